import { clearRegisteredSecrets, isSecretName, registerSecret, scrubSecrets, scrubbedMessage } from './scrub';

describe('scrubSecrets', () => {
  afterEach(() => clearRegisteredSecrets());

  it('masks the password of a URL but keeps the user and the host', () => {
    expect(scrubSecrets('cannot connect to http://vigil:s3cret@prom:9090/api (refused)')).toBe(
      'cannot connect to http://vigil:***@prom:9090/api (refused)'
    );
    expect(scrubSecrets('postgres://app:p%40ss@db:5432/vigil')).toBe('postgres://app:***@db:5432/vigil');
  });

  it('masks credential query parameters, whatever their case, and keeps the others', () => {
    expect(scrubSecrets('GET https://h/api/v1/query?query=up&access_token=abc123&step=60')).toBe(
      'GET https://h/api/v1/query?query=up&access_token=***&step=60'
    );
    expect(scrubSecrets('https://b.s3/x?X-Amz-Signature=deadbeef&X-Amz-Date=1')).toBe(
      'https://b.s3/x?X-Amz-Signature=***&X-Amz-Date=1'
    );
    expect(scrubSecrets('form body api_key=k-123&user=bob')).toBe('form body api_key=***&user=bob');
    expect(scrubSecrets('?Token=x1&password=hunter2')).toBe('?Token=***&password=***');
  });

  it('masks authorization values but not words', () => {
    expect(scrubSecrets('header Authorization: Bearer eyJhbGciOi.abc')).toBe('header Authorization: Bearer ***');
    expect(scrubSecrets('Basic dmlnaWw6c2VjcmV0')).toBe('Basic ***');
    expect(scrubSecrets('ApiKey VnVYZm9vOmJhcg==')).toBe('ApiKey ***');
    expect(scrubSecrets('HTTP Basic authentication failed')).toBe('HTTP Basic authentication failed');
  });

  it('masks secret fields in JSON and YAML text', () => {
    expect(scrubSecrets('{"username":"u","password":"p4ss","token": "t0k"}')).toBe(
      '{"username":"u","password":"***","token": "***"}'
    );
    expect(scrubSecrets('auth:\n  password: hunter2\n  username: bob')).toBe('auth:\n  password: ***\n  username: bob');
  });

  it('masks registered secrets anywhere, even echoed in a server message', () => {
    registerSecret('Zq8-very-secret-key');
    expect(scrubSecrets('server said: invalid api key Zq8-very-secret-key for index logs')).toBe(
      'server said: invalid api key *** for index logs'
    );
    registerSecret('ab'); // too short to register
    expect(scrubSecrets('about tables')).toBe('about tables');
  });

  it('leaves ordinary messages alone and is idempotent', () => {
    const plain = 'elasticsearch: search weblogs failed: index_not_found_exception: no such index [x] (HTTP 404)';
    expect(scrubSecrets(plain)).toBe(plain);
    const once = scrubSecrets('http://u:p@h/?token=1 Bearer abcdef12');
    expect(scrubSecrets(once)).toBe(once);
    expect(scrubbedMessage(new Error('http://u:pw@h'))).toBe('http://u:***@h');
    expect(scrubbedMessage('token=zzz')).toBe('token=***');
  });

  it('knows credential names', () => {
    for (const n of ['token', 'ACCESS_TOKEN', 'api-key', 'apiKey', 'X-Amz-Signature', 'client_secret'])
      expect(isSecretName(n)).toBe(true);
    for (const n of ['query', 'step', 'tokens_total', 'username', 'keyword']) expect(isSecretName(n)).toBe(false);
  });
});
