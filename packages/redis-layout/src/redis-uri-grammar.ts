/**
 * The grammar of Redis URIs, as a markdown table: written once here, quoted by the READMEs (a
 * test checks they quote it exactly) and checked against the parser by the tests.
 */
export const REDIS_URI_GRAMMAR = [
  '| form or parameter | meaning | example |',
  '| --- | --- | --- |',
  '| `redis://[user[:password]@]host[:port][/db]` | one server over TCP; port 6379 and db 0 by default; an IPv6 host goes in brackets | `redis://:secret@localhost:6379/2` |',
  '| `rediss://[user[:password]@]host[:port][/db]` | the same over TLS | `rediss://app:secret@[::1]:6380` |',
  '| `redis+unix://[user[:password]@]/path/to/redis.sock[?db=N]` | one server over a unix socket: an empty host, so three slashes without credentials; the db is a query parameter; `rediss+unix://` is refused | `redis+unix://:secret@/run/redis/redis.sock?db=1` |',
  '| `redis+cluster://[user[:password]@]host1[:port1],host2[:port2],...` and `rediss+cluster://...` (TLS) | a cluster through its seed nodes (port 6379 by default); only db 0 | `redis+cluster://10.0.0.1:7000,10.0.0.2:7000` |',
  '| `redis+sentinel://[user[:password]@]s1[:port1],s2[:port2],.../masterName[/db]` and `rediss+sentinel://...` (TLS) | a master found through its sentinels (port 26379 by default); user and password are those of the master and replicas | `redis+sentinel://s1,s2:26380/mymaster/1` |',
  '| `?prefix=P` | key prefix of the storage | `redis://localhost?prefix=bot` |',
  '| `?connectTimeoutMs=N` | bound on the first connection in ms, default 10000 | `redis://localhost?connectTimeoutMs=2000` |',
  '| `?commandTimeoutMs=N` | bound on each command in ms, default 5000, 0 for none | `redis://localhost?commandTimeoutMs=0` |',
  '| `?client=ioredis\\|node-redis` | the adapter to use when both are installed | `redis://localhost?client=node-redis` |',
  '| `?name=N` | connection name (CLIENT SETNAME) | `redis://localhost?name=bot-1` |',
  '| `?tlsCaFile=PATH`, `?tlsCertFile=PATH&tlsKeyFile=PATH` | PEM files: CA to trust; client certificate and its key, together; TLS schemes only | `rediss://localhost?tlsCaFile=/etc/ca.pem` |',
  '| `?tlsServerName=NAME`, `?tlsRejectUnauthorized=true\\|false` | name to check the certificate against; `false` accepts any certificate; TLS schemes only | `rediss://10.0.0.1?tlsServerName=cache.local` |',
  '| `?sentinelUsername=U&sentinelPassword=P`, `?role=master\\|replica` | credentials of the sentinels; connect to the master (default) or a replica; sentinel schemes only | `redis+sentinel://s1/mymaster?role=replica` |',
  '| `?codec=json\\|devalue`, `?ttlMs=N`, `?latest=N\\|all`, `?latestLabels=`, `?latestRequests=`, `?latestResponses=`, `?updateRetries=N` | storage options, as for every adapter | `redis://localhost?ttlMs=86400000&latest=all` |',
  '| `%XX` | user, password, master name and socket path are percent-decoded: write `@ : / ? # %` in them as `%40 %3A %2F %3F %23 %25`; query values are form-encoded (`+` is a space); a raw `@` after the host, a fragment, a repeated or unknown parameter are refused | `redis://app:p%40ss@localhost` |',
].join('\n');
