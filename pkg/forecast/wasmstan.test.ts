import { loadProphetModule, loadProphetOptimizer } from './wasmstan';

describe('wasmstan loader', () => {
  it('loads the Stan optimizer synchronously and fits a Prophet model', () => {
    const opt = loadProphetOptimizer();
    expect(typeof opt.optimize).toBe('function');
    expect(loadProphetOptimizer()).toBe(opt);
    const { Prophet } = loadProphetModule();
    const ds: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 24 * 7; i++) {
      ds.push(1700000000 + i * 3600);
      y.push(10 + 3 * Math.sin((2 * Math.PI * i) / 24) + 0.01 * i);
    }
    const p = new Prophet({ optimizer: opt, uncertaintySamples: 0 });
    p.fit({ ds, y });
    const pred = p.predict();
    expect(pred.yhat.point.length).toBe(ds.length);
    expect(Math.abs(pred.yhat.point[6] - y[6])).toBeLessThan(0.5);
  });
});
