// The stylizing worker's frame queue: frames run one at a time in order, a message that arrives while a
// frame runs (new weights, a new painting) applies to the very next frame, and a new painting's echo
// runs right after the frame in hand.
import { describe, expect, it } from 'vitest';
import { OneAtATime } from '../../src/lib/worker/one-at-a-time';

/** Keeps the thread busy, as a frame through the network does. */
function compute(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('OneAtATime', () => {
  it('runs pieces in the order they came, never two at once', async () => {
    const queue = new OneAtATime();
    const log: string[] = [];
    let running = 0;
    const piece = (name: string, ms: number) =>
      queue.run(async () => {
        running += 1;
        expect(running).toBe(1);
        log.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        log.push(`end ${name}`);
        running -= 1;
        return name;
      });
    const results = await Promise.all([piece('a', 20), piece('b', 1), piece('c', 5)]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(queue.busy).toBe(false);
  });

  it('runs a piece queued with runNext right after the one running, ahead of those waiting', async () => {
    const queue = new OneAtATime();
    const log: string[] = [];
    const piece = (name: string) => async () => {
      log.push(name);
      await new Promise((resolve) => setTimeout(resolve, 5));
    };
    const frames = [queue.run(piece('frame 1')), queue.run(piece('frame 2')), queue.run(piece('frame 3'))];
    // Once frame 1 runs, an echo is asked for.
    await new Promise((resolve) => setTimeout(resolve, 2));
    expect(log).toEqual(['frame 1']);
    await Promise.all([...frames, queue.runNext(piece('echo'))]);
    expect(log).toEqual(['frame 1', 'echo', 'frame 2', 'frame 3']);
    expect(queue.busy).toBe(false);
  });

  it('goes on after a piece fails', async () => {
    const queue = new OneAtATime();
    const failed = queue.run(async () => {
      throw new Error('no weights');
    });
    await expect(failed).rejects.toThrow('no weights');
    await expect(queue.run(async () => 'next')).resolves.toBe('next');
  });

  it('lets a message that arrived during a frame in before the next frame starts', async () => {
    const queue = new OneAtATime();
    const channel = new MessageChannel();
    let weights = 'old';
    channel.port1.onmessage = (event) => (weights = event.data);
    const first = queue.run(async () => {
      // New weights are posted while this frame computes.
      channel.port2.postMessage('new');
      compute(20);
      return weights;
    });
    const second = queue.run(async () => weights);
    expect(await first).toBe('old');
    expect(await second).toBe('new');
    channel.port1.close();
  });

  it('says it is busy while work is queued or running, and idle() waits for all of it', async () => {
    const queue = new OneAtATime();
    let done = 0;
    void queue.run(async () => void (await new Promise((resolve) => setTimeout(resolve, 10)), done++));
    void queue.run(async () => void done++);
    expect(queue.busy).toBe(true);
    await queue.idle();
    expect(done).toBe(2);
    expect(queue.busy).toBe(false);
  });
});
