import React from 'react';
import { ValueGroup } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';
import { Badge } from './ui';

/** A status as a coloured badge (pending amber, completed green, rejected/failed red, …). */
const StatusBadge = ({ property, record, resource, where }: BasePropertyProps) => {
  const { translateProperty } = useTranslation();
  const label = translateProperty(property.path, resource.id);
  const raw = record?.params?.[property.path];
  const value = typeof raw === 'boolean' || raw === 'true' || raw === 'false' ? (String(raw) === 'true' ? 'active' : 'inactive') : (raw as string | undefined);
  if (where === 'show') {
    return (
      <ValueGroup label={label}>
        <Badge value={value} />
      </ValueGroup>
    );
  }
  return <Badge value={value} />;
};

export default StatusBadge;
