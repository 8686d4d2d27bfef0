/**
 * The capacity planner: from the project's tags (rates, types, classification) and the
 * measured compression ratios, what the history will cost on disk and upstream.
 * OWNER: capacity helper (this body is a placeholder to be replaced in this issue).
 */
import type { TagInfo } from '../api/types.js';
import type { CapacityPlan } from '../history/types.js';
import type { Project } from '../project.js';

export interface CapacityInput {
  project: Project;
  /** The compiled tags (profile tags expanded), as `tags:list` returns them. */
  tags: readonly TagInfo[];
  /** Disk budget in bytes; default: the project's store.retention.maxSizeMiB. */
  budgetBytes?: number;
}

export function planCapacity(input: CapacityInput): CapacityPlan {
  void input;
  throw new Error('capacity planner: not built yet');
}
