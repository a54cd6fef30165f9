import React, { useEffect, useState } from 'react';
import { ErrorBox, Loading, call, failure, resourceUrl, rootPath } from './ui';

/** The way to the job dashboard: a link for admins, an explanation for everyone else. */
const JobsPage = () => {
  const [data, setData] = useState<{ allowed: boolean; role: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    call<{ allowed: boolean; role: string }>('/api/pages/jobs').then((r) => (r.ok ? setData(r.data) : setError(failure(r))), (e: Error) => setError(e.message));
  }, []);
  if (error) return <ErrorBox message={error} />;
  if (!data) return <Loading />;
  return (
    <div className="mx-form" data-testid="jobs-page">
      <h2>Job dashboard</h2>
      {data.allowed ? (
        <>
          <p className="mx-intro">Agendash shows every scheduled and queued job; requeue, run now and delete are audited.</p>
          <a className="mx-button mx-button-primary" href={`${rootPath()}/jobs/`}>
            Open the job dashboard
          </a>
        </>
      ) : (
        <p className="mx-intro">The job dashboard needs the admin role (you are {data.role}). Every run is listed under Job runs.</p>
      )}
      <p>
        <a className="mx-link" href={resourceUrl('job_runs')}>
          Job runs →
        </a>
      </p>
    </div>
  );
};

export default JobsPage;
