import React from 'react';
import { ValueGroup } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';

/** A text value that links to the record it names (`<path>_url` beside it). */
const LinkCell = ({ property, record, resource }: BasePropertyProps) => {
  const { translateProperty } = useTranslation();
  const label = translateProperty(property.path, resource.id);
  const text = String(record?.params?.[property.path] ?? '');
  const href = record?.params?.[`${property.path}_url`] as string | undefined;
  return <ValueGroup label={label}>{href ? <a href={href}>{text}</a> : <span>{text || '—'}</span>}</ValueGroup>;
};

export default LinkCell;
