// First: it fixes where AdminJS keeps its bundle, which AdminJS reads once, when first imported.
import { COMPONENTS_DIR } from './bundle-location.js';
import path from 'node:path';
import { ComponentLoader } from 'adminjs';

/** The back-office's own React components (admin/components/*.tsx), by name. */
export const componentLoader = new ComponentLoader();

const add = (name: string) => componentLoader.add(name, path.join(COMPONENTS_DIR, name));

export const Components = {
  Dashboard: add('Dashboard'),
  MemberPage: add('MemberPage'),
  ActionForm: add('ActionForm'),
  ConfigEditor: add('ConfigEditor'),
  MoneyCell: add('MoneyCell'),
  StatusBadge: add('StatusBadge'),
  AmountRangeFilter: add('AmountRangeFilter'),
  AuditChanges: add('AuditChanges'),
  ExportCsv: add('ExportCsv'),
  JobsPage: add('JobsPage'),
  LinkCell: add('LinkCell'),
  BulkDecision: add('BulkDecision'),
};
