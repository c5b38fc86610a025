/** Small readers of a compiled machine, for the compiler tests. */
import type { AslState } from '../../statemachines/compile';

export interface Scope { StartAt: string; States: Record<string, AslState> }

/** Every state of a machine, branches included, by name. */
export function allStates(machine: Scope): Map<string, AslState> {
  const found = new Map<string, AslState>();
  for (const scope of scopes(machine)) for (const [name, state] of Object.entries(scope.States)) found.set(name, state);
  return found;
}

/** The machine and every Parallel branch in it, each a scope of its own (a Next never crosses scopes). */
export function scopes(machine: Scope): Scope[] {
  const out: Scope[] = [machine];
  for (const state of Object.values(machine.States)) {
    for (const branch of (state.Branches as Scope[] | undefined) ?? []) out.push(...scopes(branch));
  }
  return out;
}

/** The names a state can go to next, within its scope. */
export function successors(state: AslState): string[] {
  const next: string[] = [];
  if (typeof state.Next === 'string') next.push(state.Next);
  if (typeof state.Default === 'string') next.push(state.Default);
  for (const c of (state.Choices as { Next: string }[] | undefined) ?? []) next.push(c.Next);
  for (const c of (state.Catch as { Next: string }[] | undefined) ?? []) next.push(c.Next);
  return next;
}

/** States of a scope that no path from its StartAt reaches. */
export function unreachable(scope: Scope): string[] {
  const seen = new Set<string>();
  const todo = [scope.StartAt];
  while (todo.length) {
    const name = todo.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const state = scope.States[name];
    if (state) todo.push(...successors(state));
  }
  return Object.keys(scope.States).filter((n) => !seen.has(n));
}

/** Walks from `from` along `Next` only, collecting state names until a state without `Next`. */
export function chain(scope: Scope, from: string): string[] {
  const out: string[] = [];
  let name: string | undefined = from;
  while (name && !out.includes(name)) {
    out.push(name);
    name = scope.States[name]?.Next as string | undefined;
  }
  return out;
}
