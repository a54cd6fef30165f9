import { BaseRecord, type ActionContext, type ActionRequest, type ActionResponse } from 'adminjs';
import type { z } from 'zod';
import type { Actor } from '../../src/audit/actor.js';
import { AppError } from '../../src/http/errors.js';
import { addChartPointBody, generateChartBody, setPriceBody, TIMEFRAMES } from '../../src/market/market.schemas.js';
import { CHART_SOURCES, MXCChartData } from '../../src/market/mxc-chart.model.js';
import { MXCPrice, PRICE_SOURCES } from '../../src/market/mxc-price.model.js';
import { addChartPoint, generateChartPoints } from '../../src/market/mxc-chart.service.js';
import { updateMxcPrice } from '../../src/market/mxc-price.service.js';
import { guarded, moneyText, referenceTo, staffReadActions } from '../access.js';
import { defineResource } from '../resource.js';
import { actorOf } from '../actor.js';

/*
 * MXC market data in the back-office: read-only lists of price history and chart points, and three
 * forms ("Set MXC price", "Add chart point", "Generate chart points"). The forms reuse AdminJS's
 * built-in New form (no custom components to bundle); their handlers parse the payload with the
 * REST schemas and call the same service functions as the REST routes, which audit.
 */

const navigation = { name: 'Market', icon: 'TrendingUp' };

/** Form values arrive as strings: blanks mean "left out", whole-number fields become numbers. */
function formInput(payload: Record<string, unknown> | undefined, fields: readonly string[], numeric: readonly string[]) {
  const input: Record<string, unknown> = {};
  for (const field of fields) {
    const value = payload?.[field];
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) continue;
    input[field] = numeric.includes(field) && typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
  }
  return input;
}

/** Answers the form with field errors (the New form shows them beside each field). */
function refused(context: ActionContext, payload: Record<string, unknown> | undefined, message: string, errors: Record<string, string>): ActionResponse {
  const record = new BaseRecord({ ...(payload ?? {}) }, context.resource);
  record.errors = Object.fromEntries(Object.entries(errors).map(([field, msg]) => [field, { message: msg }]));
  return { record: record.toJSON(context.currentAdmin), notice: { message, type: 'error' } };
}

/**
 * A New-form handler: parse with the REST schema, run the service, go back to the list.
 * Expected failures (AppError: 409, 422) come back as a notice; anything else is a real error.
 */
interface FormSpec<S extends z.ZodType, R> {
  schema: S;
  /** Payload keys the schema may see; anything else in the form is ignored. */
  fields: readonly string[];
  /** Fields the schema wants as numbers. */
  numeric?: readonly string[];
  run: (actor: Actor, input: z.output<S>) => Promise<R>;
  done: (result: R) => string;
  /** Resource whose list to return to. */
  listOf: string;
}

function formAction<S extends z.ZodType, R>(opts: FormSpec<S, R>) {
  return async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
    if (request.method !== 'post') throw new Error('this form accepts POST only');
    const payload = request.payload as Record<string, unknown> | undefined;
    const parsed = opts.schema.safeParse(formInput(payload, opts.fields, opts.numeric ?? []));
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message;
      return refused(context, payload, 'Please correct the highlighted fields', errors);
    }
    try {
      const result = await opts.run(actorOf(context.currentAdmin), parsed.data);
      return {
        redirectUrl: context.h.resourceUrl({ resourceId: opts.listOf }),
        notice: { message: opts.done(result), type: 'success' },
        record: new BaseRecord({}, context.resource).toJSON(context.currentAdmin),
      };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const errors = Object.fromEntries(error.details.map((d) => [d.field, d.message]));
      return refused(context, payload, error.message, errors);
    }
  };
}

/** An admin-only New form bound to one service function. */
function adminForm<S extends z.ZodType, R>(opts: FormSpec<S, R>) {
  return guarded(opts.listOf, 'new', 'market.write', { handler: formAction(opts) });
}

const PRICE_FIELDS = ['price', 'change_24h', 'change_amount', 'market_cap', 'volume_24h', 'holders', 'transactions_24h', 'rank', 'chart_volume', 'reason'] as const;

export const mxcPriceResource = defineResource({
  id: 'MXCPrice',
  model: MXCPrice,
  spec: { filters: { source: { kind: 'enum', values: PRICE_SOURCES }, updated_by: { kind: 'id' }, created_at: { kind: 'date' } }, sortable: ['id', 'created_at', 'price'] },
  options: {
    navigation,
    listProperties: ['id', 'price', 'change_24h', 'change_amount', 'market_cap', 'volume_24h', 'holders', 'transactions_24h', 'rank', 'source', 'updated_by', 'created_at'],
    showProperties: ['id', 'price', 'change_24h', 'change_amount', 'market_cap', 'volume_24h', 'holders', 'transactions_24h', 'rank', 'source', 'updated_by', 'created_at'],
    editProperties: [...PRICE_FIELDS],
    properties: {
      ...moneyText('price', 'change_amount', 'market_cap', 'volume_24h'),
      updated_by: { ...referenceTo('staff'), description: 'Staff member who set it (empty: seed data)' },
      // NOT NULL in the table, but optional in the form: blanks are derived or carried over.
      change_24h: { isRequired: false, description: 'Percent. Leave blank to derive it from the price 24 h ago.' },
      change_amount: { isRequired: false, description: 'Leave blank to derive it from the price 24 h ago.' },
      market_cap: { isRequired: false, description: 'Leave blank to keep the current value.' },
      volume_24h: { isRequired: false, description: 'Leave blank to keep the current value.' },
      holders: { isRequired: false, description: 'Leave blank to keep the current value.' },
      transactions_24h: { isRequired: false, description: 'Leave blank to keep the current value.' },
      rank: { isRequired: false, description: 'Like #1247. Leave blank to keep the current value.' },
      chart_volume: { type: 'string', description: 'Volume of the chart point this update appends (default 0).' },
      reason: { type: 'textarea', description: 'Kept in the audit log.' },
    },
    sort: { sortBy: 'created_at', direction: 'desc' },
    actions: {
      ...staffReadActions('MXCPrice'),
      new: adminForm({
        schema: setPriceBody,
        fields: PRICE_FIELDS,
        numeric: ['holders', 'transactions_24h'],
        run: updateMxcPrice,
        done: (r) => `MXC price set to ${r.price}`,
        listOf: 'MXCPrice',
      }),
    },
  },
});

export const mxcChartResource = defineResource({
  id: 'MXCChartData',
  model: MXCChartData,
  spec: { filters: { source: { kind: 'enum', values: CHART_SOURCES }, timestamp: { kind: 'date' } }, sortable: ['id', 'timestamp', 'created_at'] },
  options: {
    navigation,
    listProperties: ['id', 'timestamp', 'price', 'volume', 'source', 'created_by', 'created_at'],
    showProperties: ['id', 'timestamp', 'price', 'volume', 'source', 'created_by', 'created_at'],
    editProperties: ['timestamp', 'price', 'volume', 'reason'],
    properties: {
      ...moneyText('price', 'volume'),
      created_by: referenceTo('staff'),
      timestamp: { description: 'Not in the future. A timestamp that already has a point is refused.' },
      volume: { isRequired: false, description: 'Optional (default 0).' },
      reason: { type: 'textarea', description: 'Kept in the audit log.' },
    },
    sort: { sortBy: 'timestamp', direction: 'desc' },
    actions: {
      ...staffReadActions('MXCChartData'),
      new: adminForm({
        schema: addChartPointBody,
        fields: ['timestamp', 'price', 'volume', 'reason'],
        run: addChartPoint,
        done: (p) => `Chart point added at ${p.timestamp} (${p.price})`,
        listOf: 'MXCChartData',
      }),
    },
  },
});

/**
 * The generator's form: the chart table again under its own id, with the generator's fields as
 * virtual properties; its list shows only generated points.
 */
export const mxcChartGenerateResource = defineResource({
  id: 'MXCChartGenerate',
  model: MXCChartData,
  spec: { filters: { source: { kind: 'enum', values: ['generated'] }, timestamp: { kind: 'date' } }, sortable: ['id', 'timestamp', 'created_at'] },
  options: {
    navigation,
    listProperties: ['id', 'timestamp', 'price', 'volume', 'created_by', 'created_at'],
    showProperties: ['id', 'timestamp', 'price', 'volume', 'source', 'created_by', 'created_at'],
    editProperties: ['timeframe', 'data_points', 'seed', 'reason'],
    properties: {
      timeframe: { type: 'string', availableValues: TIMEFRAMES.map((t) => ({ value: t, label: t })), description: 'Window to fill (default 24h).' },
      data_points: { type: 'number', description: '1-1000 evenly spaced points (default 24).' },
      seed: { type: 'number', description: 'Optional: the same seed repeats the same walk.' },
      reason: { type: 'textarea', description: 'Kept in the audit log.' },
    },
    sort: { sortBy: 'timestamp', direction: 'desc' },
    actions: {
      ...staffReadActions('MXCChartGenerate'),
      // Read-only filter on its own list: this view is about generated points.
      list: guarded('MXCChartGenerate', 'list', 'staff.read', {
        before: async (request: ActionRequest) => ({ ...request, query: { ...(request.query ?? {}), 'filters.source': 'generated' } }),
      }),
      new: adminForm({
        schema: generateChartBody,
        fields: ['timeframe', 'data_points', 'seed', 'reason'],
        numeric: ['data_points', 'seed'],
        run: generateChartPoints,
        done: (r) => `Generated ${r.created} chart points (seed ${r.seed}${r.skipped ? `, ${r.skipped} skipped` : ''})`,
        listOf: 'MXCChartGenerate',
      }),
    },
  },
});

export const marketResources = [mxcPriceResource, mxcChartResource, mxcChartGenerateResource];

/** Button and menu labels for the forms above. */
export const marketTranslations = {
  resources: {
    MXCPrice: {
      actions: { new: 'Set MXC price' },
      labels: { MXCPrice: 'MXC price history' },
      properties: {
        change_24h: 'Change, 24 h (%)',
        change_amount: 'Change, 24 h (MXC)',
        market_cap: 'Market cap',
        volume_24h: 'Volume, 24 h',
        transactions_24h: 'Transactions, 24 h',
        updated_by: 'Set by',
        chart_volume: 'Chart point volume',
      },
    },
    MXCChartData: { actions: { new: 'Add chart point' }, labels: { MXCChartData: 'MXC chart points' } },
    MXCChartGenerate: { actions: { new: 'Generate chart points' }, labels: { MXCChartGenerate: 'Generated chart points' } },
  },
};
