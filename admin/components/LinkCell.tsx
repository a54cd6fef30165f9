import React from 'react';
import { ValueGroup } from '@adminjs/design-system';
import type { BasePropertyProps } from 'adminjs';

/** A text value that links to the record it names (`<path>_url` beside it). */
const LinkCell = ({ property, record }: BasePropertyProps) => {
  const label = String(record?.params?.[property.path] ?? '');
  const href = record?.params?.[`${property.path}_url`] as string | undefined;
  return <ValueGroup label={property.label}>{href ? <a href={href}>{label}</a> : <span>{label || '—'}</span>}</ValueGroup>;
};

export default LinkCell;
