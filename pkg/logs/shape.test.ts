import { generalizeShape, shapeSegments } from './shape';

describe('generalizeShape', () => {
  it.each([
    ['user=root', 'user=admin', 'user=<*>'],
    ['storage3', 'storage5', 'storage<*>'],
    ["'/udev/sda'", "'/udev/tty1'", "'/udev/<*>'"],
    ['webmaster', 'webadmin', '<*>'],
    ['(host.example)', '(<*>)', '(<*>)'],
    ['<*>.<*>', '<*>', '<*>'],
    ['same', 'same', 'same'],
  ])('%s + %s -> %s', (a, b, expected) => {
    expect(generalizeShape(a, b)).toBe(expected);
    expect(generalizeShape(b, a)).toBe(expected);
  });

  it('segments keep wildcards whole and split letters from digits', () => {
    expect(shapeSegments('eth0:<*>.x')).toEqual(['eth', '0', ':', '<*>', '.', 'x']);
  });
});
