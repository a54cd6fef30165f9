import React from 'react';
import { FormGroup, Input, Label } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';

/** An amount filter as a range: from and to, inclusive (decimal text). */
const AmountRangeFilter = ({ property, resource, filter = {}, onChange }: BasePropertyProps & { filter?: Record<string, string> }) => {
  const { translateProperty } = useTranslation();
  const from = `${property.path}~~from`;
  const to = `${property.path}~~to`;
  return (
    <FormGroup>
      <Label>{translateProperty(property.path, resource.id)} (from – to)</Label>
      <div className="mx-range">
        <Input placeholder="from" inputMode="decimal" value={filter[from] ?? ''} onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange?.(from, e.target.value)} />
        <Input placeholder="to" inputMode="decimal" value={filter[to] ?? ''} onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange?.(to, e.target.value)} />
      </div>
    </FormGroup>
  );
};

export default AmountRangeFilter;
