/** Where an applied edit went, in words: a file, or memory only (the demo). */
export function savedNotice(savedTo: string | null): string {
  return savedTo === null ? 'Held in memory only: this host has no project file, so the change is lost when it stops.' : `Saved to ${savedTo}.`;
}
