import React from 'react';
import { ValueGroup } from '@adminjs/design-system';
import type { BasePropertyProps } from 'adminjs';
import { Money } from './ui';

/** An amount as exact text (8 decimals), never wrapped mid-number. */
const MoneyCell = ({ property, record, where }: BasePropertyProps) => {
  const value = record?.params?.[property.path] as string | undefined;
  const text = value === undefined || value === null || value === '' ? null : String(value);
  if (where === 'show') {
    return (
      <ValueGroup label={property.label}>
        <Money value={text} />
      </ValueGroup>
    );
  }
  return <Money value={text} />;
};

export default MoneyCell;
