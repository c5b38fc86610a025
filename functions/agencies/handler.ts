/** GET /api/agencies: where a complaint can go. */
import { listAgencies } from '../../shared/usecases/complaints';
import { bundledSops, dependencies } from '../adapters/deps';
import { httpHandler, json, languageOf } from '../http';

export const handler = httpHandler(async (event) => json(200, listAgencies(await dependencies({ sops: bundledSops }), languageOf(event)), { 'cache-control': 'public, max-age=300' }));
