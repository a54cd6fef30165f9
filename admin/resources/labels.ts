/** Menu names of resources whose ids are table names. */
export const emailOutboxLabel = { email_outbox: 'Email outbox' };
