import React from 'react';
import type { ActionProps } from 'adminjs';
import { rootPath } from './ui';

/** Downloads the list as it is filtered and sorted on screen (the export is audited). */
const ExportCsv = ({ resource, action }: ActionProps) => {
  const current = new URLSearchParams(window.location.search);
  const query = new URLSearchParams();
  for (const [key, value] of current) if (key.startsWith('filters.') || key === 'sortBy' || key === 'direction') query.set(key, value);
  const list = (action.custom as { list: string }).list;
  const filters = [...query.keys()].filter((k) => k.startsWith('filters.'));
  return (
    <div className="mx-form" data-testid="export-csv">
      <p className="mx-intro">
        {filters.length ? `Exports the ${resource.name} matching the list's filters (${filters.map((f) => f.slice(8)).join(', ')}).` : `Exports every row of ${resource.name} (no filter set).`}
      </p>
      <a className="mx-button mx-button-primary" href={`${rootPath()}/exports/${list}.csv?${query.toString()}`} download>
        Download CSV
      </a>
    </div>
  );
};

export default ExportCsv;
