import { BaseRecord, type Filter, type PropertyOptions, type ResourceOptions, type ResourceWithOptions } from 'adminjs';
import { Resource } from '@adminjs/sequelize';
import type { Model, ModelCtor } from 'sequelize-typescript';
import { sortOf, whereOf, type ListSpec } from '../src/backoffice/list-filters.js';
import { Components } from './component-loader.js';

/** Allow-lists per resource id, consulted by every list, count and search of the back-office. */
const specs = new Map<string, ListSpec>();

export function listSpecOf(resourceId: string): ListSpec | undefined {
  return specs.get(resourceId);
}

interface SequelizeResource {
  SequelizeModel: ModelCtor<Model>;
  _decorated?: { id(): string };
}

function specFor(resource: SequelizeResource): ListSpec {
  const id = resource._decorated?.id();
  const spec = id ? specs.get(id) : undefined;
  // Deny by default: a resource declared without an allow-list can be listed but not filtered or sorted.
  return spec ?? { filters: {}, sortable: ['id'] };
}

function valuesOf(filter: Filter | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.values(filter?.filters ?? {}).map((f) => [f.path, f.value]));
}

/**
 * @adminjs/sequelize with the back-office's rules: filters and sorting only through the resource's
 * allow-list (src/backoffice/list-filters.ts, shared with the CSV exports): case-insensitive text,
 * exact enums and ids, amount and date ranges, members by username or email. Anything else is a
 * 400, never a query.
 */
export class MetaxResource extends Resource {
  async count(filter: Filter): Promise<number> {
    const self = this as unknown as SequelizeResource;
    return self.SequelizeModel.count({ where: whereOf(specFor(self), valuesOf(filter)) });
  }

  async find(filter: Filter, options: { limit?: number; offset?: number; sort?: { sortBy?: string; direction?: 'asc' | 'desc' } } = {}): Promise<BaseRecord[]> {
    const self = this as unknown as SequelizeResource;
    const spec = specFor(self);
    const order = sortOf(spec, options.sort?.sortBy, options.sort?.direction) ?? (['id', 'DESC'] as [string, 'ASC' | 'DESC']);
    const rows = await self.SequelizeModel.findAll({
      where: whereOf(spec, valuesOf(filter)),
      limit: options.limit ?? 20,
      offset: options.offset ?? 0,
      // Ties broken by id: pages never overlap.
      order: order[0] === 'id' ? [order] : [order, ['id', order[1]]],
    });
    return rows.map((row) => new BaseRecord(row.toJSON(), this));
  }
}

export interface Definition {
  id: string;
  model: ModelCtor<Model>;
  spec: ListSpec;
  options: Omit<ResourceOptions, 'id' | 'filterProperties'> & { properties?: Record<string, PropertyOptions> };
}

/**
 * One back-office resource: its allow-list decides the filter panel and which columns sort; every
 * other column is marked unsortable.
 */
export function defineResource({ id, model, spec, options }: Definition): ResourceWithOptions {
  specs.set(id, spec);
  const properties: Record<string, PropertyOptions> = {};
  // What each kind of filter looks like: enums as a select, amounts as a from-to range, a member by name.
  for (const [name, kind] of Object.entries(spec.filters)) {
    if (kind.kind === 'enum') properties[name] = { availableValues: kind.values.map((v) => ({ value: v, label: v })) };
    if (kind.kind === 'money') properties[name] = { type: 'string', components: { list: Components.MoneyCell, show: Components.MoneyCell, filter: Components.AmountRangeFilter } };
    if (kind.kind === 'person') properties[name] = { type: 'string', isVisible: { list: false, show: false, edit: false, filter: true }, description: 'Username or email (contains)' };
  }
  for (const [name, given] of Object.entries(options.properties ?? {})) properties[name] = { ...(properties[name] ?? {}), ...given };
  for (const column of Object.keys(model.getAttributes())) {
    properties[column] = { ...(properties[column] ?? {}), isSortable: spec.sortable.includes(column) };
  }
  return {
    resource: model,
    options: { ...options, id, filterProperties: Object.keys(spec.filters), properties },
  };
}
