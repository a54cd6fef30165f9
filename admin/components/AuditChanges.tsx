import React from 'react';
import { ValueGroup } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';
import { Table } from './ui';

interface Change {
  path: string;
  before: string;
  after: string;
}

/** An audit row's before and after as a readable diff: one line per changed field. */
const AuditChanges = ({ property, record, resource }: BasePropertyProps) => {
  const { translateProperty } = useTranslation();
  const label = translateProperty(property.path, resource.id);
  let changes: Change[];
  try {
    changes = JSON.parse(String(record?.params?.[property.path] ?? '[]')) as Change[];
  } catch {
    changes = [];
  }
  return (
    <ValueGroup label={label}>
      <Table
        head={['Field', 'Before', 'After']}
        empty="No recorded values"
        rows={changes.map((c) => [
          <code key="p">{c.path}</code>,
          <span key="b" className="mx-diff-before">{c.before}</span>,
          <span key="a" className="mx-diff-after">{c.after}</span>,
        ])}
      />
    </ValueGroup>
  );
};

export default AuditChanges;
