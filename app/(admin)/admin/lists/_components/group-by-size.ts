/**
 * Consecutive groups of `items`, in order, each at most `max` bytes in all (an item larger than `max`
 * alone in its group): how the lists page sends many files through server actions of bounded size.
 */
export function groupBySize<T extends { size: number }>(items: readonly T[], max: number): T[][] {
  const groups: T[][] = [];
  let size = Infinity;
  for (const item of items) {
    if (size + item.size > max) {
      groups.push([]);
      size = 0;
    }
    groups.at(-1)!.push(item);
    size += item.size;
  }
  return groups;
}
