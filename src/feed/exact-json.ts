/**
 * JSON.parse turns every number into a float, which would round prices before we ever see them.
 * This parser rewrites each number token into a string tagged with NUMBER_MARK first, so numbers
 * arrive as their exact source text and can still be told apart from real strings.
 */
export const NUMBER_MARK = '\u0000';

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function parseExactJson(text: string): unknown {
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i++;
      while (i < text.length && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c /* \ */ ? 2 : 1;
      i++;
      continue;
    }
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(text);
      if (match) {
        // Anything odd around the token (01, 1.) stays adjacent and still fails JSON.parse.
        out += `${text.slice(copied, i)}"\\u0000${match[0]}"`;
        i += match[0].length;
        copied = i;
        continue;
      }
    }
    i++;
  }
  return JSON.parse(out + text.slice(copied));
}
