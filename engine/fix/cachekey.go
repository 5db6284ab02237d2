package fix

// CacheKey puts the request headers Values into the cache key of the
// shared cache (CDN) in front of the CORS rules, so that a reply stored
// for one site is not served to another: Old names the configuration's
// cache (a CloudFront distribution's logical ID) and Line the line of
// the part that keys it (the distribution's cache behaviour). The
// format's editor adds what that cache needs besides (CloudFront:
// Access-Control-Request-Method and -Headers where it caches OPTIONS).
const CacheKey = "cache-key"
