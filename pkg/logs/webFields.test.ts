import { webFields } from './webFields';

describe('webFields', () => {
  it('reads structured fields under their usual names', () => {
    expect(
      webFields({ clientip: '1.2.3.4', response: 404, request: '/x', agent: 'curl/8', bytes: '12' }, 'ignored')
    ).toEqual({ client: '1.2.3.4', status: 404, path: '/x', agent: 'curl/8', bytes: 12 });
    expect(webFields({ source: { ip: '::1' }, http: { response: { status_code: 503 } } }, '')).toEqual({
      client: '::1',
      status: 503,
    });
  });

  it('parses a Combined Log Format line when the fields are not there', () => {
    expect(
      webFields(
        {},
        '10.0.0.9 - bob [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif?a=1 HTTP/1.0" 200 2326 "http://x/" "Mozilla/4.08"'
      )
    ).toEqual({
      client: '10.0.0.9',
      method: 'GET',
      path: '/apache_pb.gif?a=1',
      status: 200,
      bytes: 2326,
      referer: 'http://x/',
      agent: 'Mozilla/4.08',
    });
    expect(webFields({}, '1.1.1.1 - - [t] "-" 400 - ')).toEqual({ client: '1.1.1.1', status: 400 });
    expect(webFields({}, 'not an access log')).toEqual({});
  });
});
