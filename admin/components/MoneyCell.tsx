import React from 'react';
import { ValueGroup } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';
import { Money } from './ui';

/** An amount as exact text (8 decimals), never wrapped mid-number. */
const MoneyCell = ({ property, record, resource, where }: BasePropertyProps) => {
  const { translateProperty } = useTranslation();
  const label = translateProperty(property.path, resource.id);
  const value = record?.params?.[property.path] as string | undefined;
  const text = value === undefined || value === null || value === '' ? null : String(value);
  if (where === 'show') {
    return (
      <ValueGroup label={label}>
        <Money value={text} />
      </ValueGroup>
    );
  }
  return <Money value={text} />;
};

export default MoneyCell;
