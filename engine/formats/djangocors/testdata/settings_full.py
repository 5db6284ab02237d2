"""
Settings for the shop project: a whole settings module, CORS among the
rest, written for whycors' tests.
"""
import os
from pathlib import Path

from corsheaders.defaults import default_headers, default_methods

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only")
DEBUG = os.environ.get("DEBUG", "0") == "1"
ALLOWED_HOSTS = ["api.shop.example", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "corsheaders",
    "shop.orders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # before CommonMiddleware
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ["DB_NAME"],
        "PORT": int(os.environ.get("DB_PORT", 5432)),
    }
}

LOGGING = {
    "version": 1,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": f"{'DEBUG' if DEBUG else 'INFO'}"},
}

FRONTEND = "https://shop.example"

CORS_ALLOWED_ORIGINS = [
    FRONTEND,
    "https://admin.shop.example",
]
CORS_ALLOWED_ORIGIN_REGEXES = [
    r"^https://pr-\d+\.preview\.shop\.example$",
]
CORS_ALLOW_METHODS = [*default_methods, "PROPFIND"]
CORS_ALLOW_HEADERS = list(default_headers) + ["x-request-id"]
CORS_EXPOSE_HEADERS = ["X-Total-Count"]
CORS_ALLOW_CREDENTIALS = True
CORS_PREFLIGHT_MAX_AGE = 60 * 60
CORS_URLS_REGEX = r"^/api/.*$"

if DEBUG:
    CORS_ALLOWED_ORIGINS += ["http://localhost:3000"]
