import { missingIndexes } from '../../infra/local/runtime';
import { createTableInput } from '../../functions/adapters/table-definition';

const today = createTableInput('t').GlobalSecondaryIndexes!.map((g) => g.IndexName!);

describe('a DATA_DIR whose table predates an index (dynalite cannot add one)', () => {
  it('names nothing when the table has every index of today', () => {
    expect(missingIndexes(new Set(today))).toEqual({ failing: [], fallingBack: [] });
  });

  it('says gsi7 is read from gsi1 meanwhile when the table has gsi1, and does not call it failing', () => {
    const have = new Set([...today.filter((n) => n !== 'gsi7'), 'gsi1']);
    expect(missingIndexes(have)).toEqual({ failing: [], fallingBack: [{ index: 'gsi7', from: 'gsi1' }] });
  });

  it('calls gsi7 failing when the older index is not there either, and gsi5 failing always (no older index)', () => {
    const have = new Set(today.filter((n) => n !== 'gsi7' && n !== 'gsi5'));
    expect(missingIndexes(have)).toEqual({ failing: ['gsi5', 'gsi7'], fallingBack: [] });
  });

  it('reads the recap summaries from gsi2 on a table made before gsi6', () => {
    const have = new Set([...today.filter((n) => n !== 'gsi6' && n !== 'gsi7'), 'gsi1', 'gsi2']);
    expect(missingIndexes(have).fallingBack).toEqual([{ index: 'gsi6', from: 'gsi2' }, { index: 'gsi7', from: 'gsi1' }]);
  });
});
