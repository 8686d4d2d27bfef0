/**
 * The topic tree, as MQTT Explorer shows it: every topic seen, with its message count,
 * rate, last payload and last-seen time. Per message the work is one Map lookup and a few
 * counter updates (no allocation); a new topic creates its nodes once. Everything the UI
 * shows (previews, JSON fields, folder totals) is computed when a level is browsed.
 */

/** Rate window: messages over the last RATE_WINDOW_MS, estimated from two fixed buckets. */
export const RATE_WINDOW_MS = 10_000;

export class TopicNode {
  children: Map<string, TopicNode> | undefined;
  /** Messages on exactly this topic. */
  count = 0;
  lastSeen = 0;
  /** Payload of the last message (the buffer mqtt.js handed us; not copied). */
  payload: Buffer | undefined;
  retained = false;
  private bucket = 0;
  private current = 0;
  private previous = 0;

  constructor(
    readonly name: string,
    /** The full topic (the path to this node). */
    readonly topic: string,
  ) {}

  record(payload: Buffer, retained: boolean, now: number): void {
    this.count++;
    this.lastSeen = now;
    this.payload = payload;
    this.retained = retained;
    const bucket = Math.floor(now / RATE_WINDOW_MS);
    if (bucket !== this.bucket) {
      this.previous = bucket === this.bucket + 1 ? this.current : 0;
      this.current = 0;
      this.bucket = bucket;
    }
    this.current++;
  }

  /** Messages per second over the last RATE_WINDOW_MS (sliding-window estimate). */
  rate(now: number): number {
    const bucket = Math.floor(now / RATE_WINDOW_MS);
    const fraction = (now - bucket * RATE_WINDOW_MS) / RATE_WINDOW_MS;
    let previous: number;
    let current: number;
    if (bucket === this.bucket) {
      previous = this.previous;
      current = this.current;
    } else if (bucket === this.bucket + 1) {
      previous = this.current;
      current = 0;
    } else return 0;
    return (previous * (1 - fraction) + current) / (RATE_WINDOW_MS / 1000);
  }
}

export interface TreeTotals {
  topics: number;
  messages: number;
  /** Messages on topics beyond maxTopics (not listed). */
  untrackedMessages: number;
}

export class TopicTree {
  readonly root = new TopicNode('', '');
  /** Every node by its full topic path (intermediate levels too). */
  private readonly nodes = new Map<string, TopicNode>();
  private topicCount = 0;
  private messages = 0;
  private untracked = 0;

  constructor(private readonly maxTopics: number) {}

  /** Counts one message; returns the topic's node (undefined beyond maxTopics). */
  record(topic: string, payload: Buffer, retained: boolean, now: number): TopicNode | undefined {
    this.messages++;
    let node = this.nodes.get(topic);
    if (node === undefined || node.count === 0) {
      if (this.topicCount >= this.maxTopics) {
        this.untracked++;
        return undefined;
      }
      node = this.insert(topic);
      this.topicCount++;
    }
    node.record(payload, retained, now);
    return node;
  }

  private insert(topic: string): TopicNode {
    const levels = topic.split('/');
    let parent = this.root;
    let path = '';
    for (let i = 0; i < levels.length; i++) {
      const name = levels[i] as string;
      path = i === 0 ? name : `${path}/${name}`;
      let child = parent.children?.get(name);
      if (child === undefined) {
        child = new TopicNode(name, path);
        parent.children ??= new Map();
        parent.children.set(name, child);
        this.nodes.set(path, child);
      }
      parent = child;
    }
    return parent;
  }

  /** The node of a topic or topic prefix; undefined = not seen. */
  get(topic: string): TopicNode | undefined {
    return this.nodes.get(topic);
  }

  totals(): TreeTotals {
    return { topics: this.topicCount, messages: this.messages, untrackedMessages: this.untracked };
  }

  clear(): void {
    this.nodes.clear();
    this.root.children = undefined;
    this.topicCount = 0;
    this.messages = 0;
    this.untracked = 0;
  }
}

/** Topics and messages below a node (itself included), for folder attributes. */
export function subtreeTotals(node: TopicNode, now: number): { topics: number; messages: number; rate: number; lastSeen: number } {
  const totals = { topics: 0, messages: 0, rate: 0, lastSeen: 0 };
  const stack: TopicNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as TopicNode;
    if (n.count > 0) {
      totals.topics++;
      totals.messages += n.count;
      totals.rate += n.rate(now);
      if (n.lastSeen > totals.lastSeen) totals.lastSeen = n.lastSeen;
    }
    if (n.children !== undefined) for (const c of n.children.values()) stack.push(c);
  }
  return totals;
}
