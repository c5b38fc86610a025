import * as z from 'zod/mini';
import { lazy } from '../../shared/lazy';
import { DeadlinesRequest, ExecutionInput, OutcomeRequest, ResumePoint, TaskFunctionRequest } from '../../shared/workflow/contract';
import { ReviewRequest } from '../../shared/workflow/review-contract';

describe('lazy: a schema built at its first use', () => {
  test('builds nothing until a property is read, then builds once', () => {
    const build = jest.fn(() => z.object({ name: z.string().check(z.minLength(1)) }));
    const Schema = lazy(build);
    expect(build).not.toHaveBeenCalled();
    expect(Schema.parse({ name: 'Siti "Ani" \\ <b>\n😀' })).toEqual({ name: 'Siti "Ani" \\ <b>\n😀' });
    expect(Schema.safeParse({ name: '' }).success).toBe(false);
    expect(Schema.shape.name.safeParse('x').success).toBe(true);
    expect(build).toHaveBeenCalledTimes(1);
  });

  test('a lazy schema inside another (optional, union, object) parses and refuses as the schema itself', () => {
    const Inner = lazy(() => z.object({ n: z.int().check(z.gte(1)) }));
    const Outer = lazy(() => z.object({ inner: z.optional(Inner), either: z.union([Inner, z.literal('none')]) }));
    expect(Outer.parse({ inner: { n: 2 }, either: 'none' })).toEqual({ inner: { n: 2 }, either: 'none' });
    expect(Outer.parse({ either: { n: 1 } })).toEqual({ either: { n: 1 } });
    const refused = Outer.safeParse({ inner: { n: 0 }, either: { n: 1 } });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((i) => i.path)).toEqual([['inner', 'n']]);
    expect('parse' in Inner).toBe(true);
  });

  test('the workflow contract\'s schemas still parse and refuse what they did (union, discriminated union, nested lazy)', () => {
    const base = { caseId: 'c1', executionId: 'arn:x', enteredAt: '2026-12-05T01:00:00Z' };
    expect(DeadlinesRequest.parse({ ...base, scope: 'step', id: 'terima', visit: 1 })).toEqual({ ...base, scope: 'step', id: 'terima', visit: 1 });
    expect(DeadlinesRequest.safeParse({ ...base, scope: 'step', id: 'terima', visit: 0 }).success).toBe(false);
    expect(TaskFunctionRequest.parse({ ...base, taskToken: 't', kind: 'park', state: 'Notify' })).toEqual({ ...base, taskToken: 't', kind: 'park', state: 'Notify', error: 'unknown' });
    expect(TaskFunctionRequest.safeParse({ ...base, taskToken: 't', kind: 'nope', stepId: 's', visit: 1 }).success).toBe(false);
    const resume = { at: 'terima', visits: { terima: { n: 2 } } };
    expect(ExecutionInput.parse({ caseId: 'c1', sopId: 'perpustakaan-muba', resume })).toEqual({ caseId: 'c1', sopId: 'perpustakaan-muba', resume });
    expect(ResumePoint.safeParse({ at: 'terima', visits: { terima: { n: -1 } } }).success).toBe(false);
    expect(OutcomeRequest.parse({ ...base, kind: 'stepDone', stepId: 'terima', visit: 1, decision: { action: 'teruskan' } }).kind).toBe('stepDone');
    expect(OutcomeRequest.safeParse({ ...base, kind: 'stepDone', stepId: 'terima', visit: 1, decision: { action: 'a"b' } }).success).toBe(false);
    expect(ReviewRequest.parse({ sopId: 's', reportId: 'r', periodId: 'p', startedAt: 'x', executionId: 'e', enteredAt: 'y', turn: 1, kind: 'reviewNotice', notice: 'reminder' }).kind).toBe('reviewNotice');
    expect(ReviewRequest.safeParse({ sopId: 's', reportId: 'r', periodId: 'p', startedAt: 'x', executionId: 'e', enteredAt: 'y', turn: 0, kind: 'reviewDeliver' }).success).toBe(false);
  });
});

test('a lazy set of fields spreads into a schema built later, and is built only then', () => {
  const build = jest.fn(() => ({ id: z.string().check(z.minLength(1)), n: z.int() }));
  const Fields = lazy(build);
  const Schema = lazy(() => z.object({ ...Fields, extra: z.optional(z.boolean()) }));
  expect(build).not.toHaveBeenCalled();
  expect(Object.keys(Fields)).toEqual(['id', 'n']);
  expect(Schema.parse({ id: 'a', n: 1, extra: true })).toEqual({ id: 'a', n: 1, extra: true });
  expect(Schema.safeParse({ id: '', n: 1 }).success).toBe(false);
  expect(build).toHaveBeenCalledTimes(1);
});
