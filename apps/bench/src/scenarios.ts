import type { Backend } from './backends.js';
import type { Scenario } from './config.js';
import type { ScenarioInfo, ScenarioResult } from './results.js';
import { summarize, timed } from './sampling.js';
import { settle } from './settle.js';
import { buildDialog, nestedDict, turnBytes, turnValues } from './shapes.js';
import { storageTurn } from './targets/adapter-target.js';

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** A scenario with the sizes of its values. */
export function scenarioInfo(scenario: Scenario): ScenarioInfo {
  const { shape, startTurns } = scenario;
  const miscBytes = jsonBytes(nestedDict(shape.misc, 1));
  let contextBytes = miscBytes;
  for (let turn = 1; turn <= startTurns; turn++) contextBytes += turnBytes(shape, turn);
  return {
    key: scenario.key,
    title: scenario.title,
    chatsky: scenario.chatsky,
    startTurns,
    extraTurns: scenario.extraTurns,
    contexts: scenario.contexts,
    messageBytes: jsonBytes(turnValues(shape, 1).request),
    miscBytes,
    contextBytes,
  };
}

/**
 * Runs a scenario on a backend as Chatsky's benchmark does: for each of its contexts, one timed
 * first write of `startTurns` turns, then `extraTurns` times a timed load and a timed turn (load,
 * add a turn, save), with a full GC before and after the first write (untimed). Clears the
 * storage afterwards.
 */
export async function runScenario(scenario: Scenario, backend: Backend): Promise<ScenarioResult> {
  const { storage } = backend;
  const firstWrite: number[] = [];
  const load: number[] = [];
  const turn: number[] = [];
  for (let index = 0; index < scenario.contexts; index++) {
    const id = `${scenario.key}-${index}`;
    const context = buildDialog(id, scenario.shape, scenario.startTurns);
    settle();
    firstWrite.push(await timed(() => storage.setItem(id, context)));
    settle();
    for (let extra = 0; extra < scenario.extraTurns; extra++) {
      load.push(await timed(() => storage.getItem(id)));
      turn.push(await timed(() => storageTurn(storage, id, scenario.shape)));
    }
  }
  await storage.clear();
  return {
    scenario: scenario.key,
    backend: backend.name,
    firstWrite: summarize(firstWrite),
    load: summarize(load),
    turn: summarize(turn),
  };
}
