import autocannon from 'autocannon';

/**
 * The load generator of bench:ledger, forked into its own process so its work does not share the
 * server's event loop. Input (JSON in BENCH_LOAD): url, tokens, connections, duration.
 */
const { url, tokens, connections, duration } = JSON.parse(process.env.BENCH_LOAD!) as { url: string; tokens: string[]; connections: number; duration: number };

let n = 0;
const result = await autocannon({
  url,
  connections,
  duration,
  method: 'POST',
  requests: [
    {
      setupRequest: (req) => {
        const i = n++;
        // Each member moves 1.5 back and forth between two wallets, so nobody runs dry.
        const back = Math.floor(i / tokens.length) % 2 === 1;
        return {
          ...req,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i % tokens.length]}` },
          body: JSON.stringify({ amount: '1.5', from_wallet: back ? 'main_balance' : 'available_fund', to_wallet: back ? 'available_fund' : 'main_balance' }),
        };
      },
    },
  ],
});
process.send!({ ok: result['2xx'], non2xx: result.non2xx, errors: result.errors, p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max });
