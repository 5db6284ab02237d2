from corsheaders.defaults import default_headers

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "corsheaders",
]

MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
]

CORS_ALLOWED_ORIGINS = [
    "https://app.example",
]
CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://\w+\.preview\.example$"]
CORS_ALLOW_HEADERS = (*default_headers, "x-request-id")
CORS_ALLOW_CREDENTIALS = True
CORS_URLS_REGEX = r"^/api/.*$"
