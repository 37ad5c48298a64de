"""Settings for My Support Space, driven by environment variables.

With no variables set, the embedded default runs: SQLite under var/, in-memory cache and
channel layer, emails printed to the console. DATABASE_URL and REDIS_URL switch to
PostgreSQL and Redis. Anything that is only right in production is switched on by a
variable (SITE_HTTPS), never by guessing.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from mysupportspace.env import env_bool, env_int, env_list, env_mapping, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set unless DEBUG is on (`make run` keeps one in var/).")
    SECRET_KEY = "insecure-debug-only-key-do-not-use-in-production-0123456789"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Behind a TLS-terminating proxy, trust its X-Forwarded-* headers (PROXY_COUNT proxies deep),
# so lock-outs and rate limits see each visitor's own address rather than the proxy's.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
PROXY_COUNT = env_int("PROXY_COUNT", 1 if BEHIND_PROXY else 0)

# --- Applications ---------------------------------------------------------------------------

INSTALLED_APPS = [
    "daphne",
    "accounts.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "servestatic.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "channels",
    "allauth",
    "allauth.account",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # two_factor's sign-in looks it up; our backup codes are accounts.BackupCodeDevice
    "django_otp_webauthn",
    "two_factor",
    "django_tasks",
    "django_tasks_db",
    "pages",
    "accounts",
    "guides",
    "diary",
    "referrals",
    "chat",
    "situation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pages.middleware.SecurityHeadersMiddleware",
    "pages.middleware.CompressionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, with the site's policy built once per process (only the nonce changes).
    "pages.middleware.CSPMiddleware",
    # Runs sync or async as the server does (ServeStatic's own is async-only, and under gunicorn
    # would switch to async and back on every request).
    "pages.middleware.StaticFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.IdleClockMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django_otp's OTPMiddleware, with the user and their device checked in one query.
    "accounts.middleware.OneQueryOTPMiddleware",
    "accounts.middleware.RequireTwoFactorMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pages.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "mysupportspace.urls"
WSGI_APPLICATION = "mysupportspace.wsgi.application"
ASGI_APPLICATION = "mysupportspace.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pages.context_processors.site",
            ],
            "builtins": ["pages.templatetags.govuk_dates", "pages.templatetags.address_tags"],
        },
    },
]
FORM_RENDERER = "pages.forms.GovukFormRenderer"

# --- Data -----------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// or postgresql:// URL.")
    # Each server process keeps a small pool of connections (psycopg_pool through Django's
    # OPTIONS["pool"]) and lends one to each request, whatever thread runs it. Without it, ASGI
    # runs every request in a new thread that opened a connection of its own and kept it: 100
    # requests left 100 connections, until PostgreSQL refused everyone. With the pool, a
    # process never holds more than DATABASE_POOL_MAX_SIZE, and the pool checks a connection
    # is alive before lending it, so a restarted PostgreSQL costs one failed request at most.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0, conn_health_checks=True)}
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN_SIZE", 1, minimum=0),
        "max_size": env_int("DATABASE_POOL_MAX_SIZE", 4, minimum=1),
        # A request waits this long for a free connection, then fails with a calm error page.
        "timeout": env_int("DATABASE_POOL_TIMEOUT_SECONDS", 10, minimum=1),
        # Connections are replaced now and then so none outlives a PostgreSQL restart for long.
        "max_lifetime": 30 * 60,
        "max_idle": 5 * 60,
        # After PostgreSQL went away, reconnect attempts go on for this long before giving up.
        "reconnect_timeout": 60,
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "db.sqlite3"),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # channels-redis blocks up to 5 s reading each message from Redis; redis-py 8 gives up reading a
    # socket after 5 s by default, which tore down every quiet websocket. Wait longer than the layer does.
    # A console socket hears every chat its supporter holds; a process behind under load must not
    # drop their messages at channels-redis's default of 100 waiting per socket, so 500 may wait.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15}], "capacity": 500},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Background tasks live in the database, so nothing queued is lost while the worker is down;
# `manage.py db_worker` runs them (`make run` starts one beside the web server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Accounts and sessions ------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:sign-in"
# Staff land where they work (pages.views.landing); everyone else on their own home page.
LOGIN_REDIRECT_URL = "pages:landing"
LOGOUT_REDIRECT_URL = "pages:home"
# Reset links last at most an hour.
PASSWORD_RESET_TIMEOUT = 60 * 60

# allauth: sign-up, email verification, password reset and email change. Nothing it does
# signs a person in: sign-in is only through the two-factor sign-in (accounts.views.SignInView).
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "accounts.forms.SignupForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
    "add_email": "accounts.forms.AddEmailForm",
    "confirm_email_verification_code": "accounts.forms.EmailCodeForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# The email carries a short code typed into the page that asked for it, not a link: a mail app
# that opens links in a browser of its own can no longer send the person round in a loop, and the
# browser that typed the code is the one that proved the email (see accounts.views.confirm_email_code).
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_FORMAT = {"numeric": True, "length": 8, "dashed": True}
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = 30 * 60
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS = 5
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    # Sign-up has its own limit, on accounts made rather than tries (accounts.services.signup_wait).
    "signup": "",
    "reset_password": "10/h/ip,3/h/key",
    "reset_password_from_key": "20/h/ip",
    # Confirmation codes live in the browser that asked, so a limited send is refused rather than skipped:
    # a few a time, so that sending the sign-up form twice is no problem.
    "confirm_email": "3/10m/key,20/h/ip",
    "change_password": "5/m/user",
    "manage_email": "10/h/user",
}

# Two-factor: TOTP codes within one 30-second step either way, each usable once; no
# "remember this browser".
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Account")
OTP_TOTP_SYNC = False
OTP_TOTP_THROTTLE_FACTOR = 1
TWO_FACTOR_REMEMBER_COOKIE_AGE = None
# Wrong codes slow further tries down (1 s, 2 s, 4 s...) up to this many doublings, so the
# wait never exceeds about 8 minutes: enough against guessing, never a lock-out for days.
OTP_MAX_THROTTLE_DOUBLINGS = 10
# Staff never see an authenticator's secret key or its QR code in the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
TWO_FACTOR_LOGIN_TIMEOUT = 600
# The label an authenticator app shows for this account: neutral by default.
TWO_FACTOR_ACCOUNT_LABEL = env_str("TWO_FACTOR_ACCOUNT_LABEL", "Account")
# Passkeys: a second factor only, never a way in without the password; the relying party is the
# host the site is served on (accounts/passkeys.py).
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_HELPER_CLASS = "accounts.passkeys.PasskeyHelper"
OTP_WEBAUTHN_RP_ID_CALLABLE = "accounts.passkeys.relying_party_id"
OTP_WEBAUTHN_RP_NAME = TWO_FACTOR_ACCOUNT_LABEL
# Browsers offer passkeys only to https:// sites (and http://localhost while developing).
OTP_WEBAUTHN_ALLOWED_ORIGINS = [
    f"https://{host}" for host in ALLOWED_HOSTS if host[:1].isalpha() and host != "localhost"
] + ["http://localhost"]
OTP_WEBAUTHN_TIMEOUT_SECONDS = 5 * 60

# Wrong passwords for one account, from every address together, beyond which the sign-in asks
# for the password and the code together and says nothing about either alone (accounts/guard.py).
# Nobody is ever refused with the right password and code, so nobody can lock a person out.
SIGN_IN_GUARD_AFTER = env_int("SIGN_IN_GUARD_AFTER", 5, minimum=1)
SIGN_IN_GUARD_WINDOW_MINUTES = env_int("SIGN_IN_GUARD_WINDOW_MINUTES", 60, minimum=1)
# After this many wrong codes in a row following a right password, the owner is told (neutrally,
# at most once an hour) that someone used their password but not their code.
WRONG_CODE_ALERT_AFTER = env_int("WRONG_CODE_ALERT_AFTER", 3, minimum=1)
ALLAUTH_TRUSTED_PROXY_COUNT = PROXY_COUNT
# Sign-ups that go through from one address in an hour. Generous, because many people may share
# one connection (a refuge, a library, a college); forms sent back with mistakes do not count.
SIGNUP_ACCOUNTS_PER_HOUR = env_int("SIGNUP_ACCOUNTS_PER_HOUR", 30, minimum=1)

# The session ends when the browser closes and after SESSION_IDLE_MINUTES without a request.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=2)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# Read from the cache (Redis in production) and written through to the database, so a page
# costs no query for the session, and a cache that empties or goes away loses nobody's session:
# Django's cached_db, except that with Redis away sessions are read and ended in the database alone
# (accounts/sessions.py), so signing out always works.
SESSION_ENGINE = "accounts.sessions"
# Not saved on every request: accounts.middleware.IdleClockMiddleware saves it when it changed,
# or once a minute to keep the idle clock running.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Safety ---------------------------------------------------------------------------------

SERVICE_NAME = env_str("SERVICE_NAME", "My Support Space")
# Where quick exit lands: a site that gives nothing away if someone looks at the screen.
QUICK_EXIT_URL = env_url("QUICK_EXIT_URL", "https://www.bbc.co.uk/weather")
# When on, every tab title is this one neutral phrase instead of the page's own title.
NEUTRAL_PAGE_TITLES = env_bool("NEUTRAL_PAGE_TITLES", False)
NEUTRAL_PAGE_TITLE = env_str("NEUTRAL_PAGE_TITLE", "Notes")
SUPPORTLINE_NUMBER = env_str("SUPPORTLINE_NUMBER", "08 08 16 89 111")
# Who runs the service and how to reach their data protection contact, for the privacy notice.
# The defaults are visible placeholders: the organisation fills them in before going live.
PRIVACY_ORGANISATION = env_str("PRIVACY_ORGANISATION", "[the organisation that runs this service]")
PRIVACY_CONTACT = env_str("PRIVACY_CONTACT", "[its data protection contact: address or email]")

SITE_HTTPS = env_bool("SITE_HTTPS", False)
SECURE_SSL_REDIRECT = SITE_HTTPS
SESSION_COOKIE_SECURE = SITE_HTTPS
CSRF_COOKIE_SECURE = SITE_HTTPS
SECURE_HSTS_SECONDS = 63072000 if SITE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SITE_HTTPS
SECURE_HSTS_PRELOAD = SITE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
# Nothing is sent to other sites; "no-referrer" would make browsers send `Origin: null` on our own
# forms, which CSRF protection rightly refuses.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
# No cookie outlives the browser session unless the person chose it: the CSRF cookie included.
CSRF_COOKIE_AGE = None
CSRF_FAILURE_VIEW = "pages.views.csrf_failure"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "frame-src": [NONE],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
    },
}

# Guides may embed videos from these privacy-respecting hosts (https:// embed links only); the
# CSP lets exactly these hosts into frames. Uploaded videos are served by the site itself.
GUIDES_VIDEO_HOSTS = env_list("GUIDES_VIDEO_HOSTS", ["www.youtube-nocookie.com", "player.vimeo.com"])
for _host in GUIDES_VIDEO_HOSTS:
    if not _host.replace("-", "").replace(".", "").isalnum():
        raise ImproperlyConfigured(f"GUIDES_VIDEO_HOSTS must be host names such as player.vimeo.com, not {_host!r}.")
if GUIDES_VIDEO_HOSTS:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-src"] = [f"https://{host}" for host in GUIDES_VIDEO_HOSTS]

# --- Email ----------------------------------------------------------------------------------

EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# The sender name is neutral: someone glancing at an inbox should learn nothing.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Account notifications <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Staff", address) for address in env_list("ADMIN_EMAILS", [])]

# --- Referrals ------------------------------------------------------------------------------

# When the caseworker team works, for what the out-of-hours confirmation promises: days (mon..sun),
# hours (HH:MM-HH:MM, UK time) and whole days closed (YYYY-MM-DD). Checked at start-up.
REFERRALS_SERVICE_DAYS = env_list("REFERRALS_SERVICE_DAYS", ["mon", "tue", "wed", "thu", "fri"])
REFERRALS_SERVICE_HOURS = env_str("REFERRALS_SERVICE_HOURS", "08:00-17:00")
REFERRALS_CLOSED_DATES = env_list("REFERRALS_CLOSED_DATES", [])
# Hand-offs are POSTed as signed JSON to these addresses; with none set they stay in the caseworker queue.
REFERRALS_CASEWORKER_ENDPOINT = env_url("REFERRALS_CASEWORKER_ENDPOINT")
REFERRALS_SILVERCLOUD_ENDPOINT = env_url("REFERRALS_SILVERCLOUD_ENDPOINT")
REFERRALS_SIGNING_SECRET = env_str("REFERRALS_SIGNING_SECRET")
if (REFERRALS_CASEWORKER_ENDPOINT or REFERRALS_SILVERCLOUD_ENDPOINT) and len(REFERRALS_SIGNING_SECRET) < 32:
    raise ImproperlyConfigured("REFERRALS_SIGNING_SECRET (32 characters or more) must be set with a hand-off endpoint.")
REFERRALS_DELIVERY_TIMEOUT_SECONDS = env_int("REFERRALS_DELIVERY_TIMEOUT_SECONDS", 10, minimum=1)
REFERRALS_DELIVERY_MAX_ATTEMPTS = env_int("REFERRALS_DELIVERY_MAX_ATTEMPTS", 8, minimum=1)
# The wait before the second attempt; it doubles after each failure, up to an hour.
REFERRALS_RETRY_DELAY_SECONDS = env_int("REFERRALS_RETRY_DELAY_SECONDS", 30, minimum=1)
# Told (in neutral words) of each new request and each hand-off that could not be delivered.
REFERRALS_TEAM_EMAILS = env_list("REFERRALS_TEAM_EMAILS", env_list("ADMIN_EMAILS", []))
# New requests naming a police force area also go to that area's team, where one is set (the whole
# team above is always told too):
# "kent=kent-team@example.org;sussex=a@example.org b@example.org" (slugs: referrals/police_areas.py).
REFERRALS_AREA_TEAM_EMAILS = env_mapping("REFERRALS_AREA_TEAM_EMAILS")
# "Could not reach them" closes a request only after this many failed attempts at the person's safe times.
REFERRALS_MIN_ATTEMPTS = env_int("REFERRALS_MIN_ATTEMPTS", 3, minimum=1)

# How long a process may keep a published guide it read (guides/catalogue.py) if the content
# version could not be set when an editor saved; normally a save is seen on the next request.
CONTENT_CACHE_SECONDS = env_int("CONTENT_CACHE_SECONDS", 60, minimum=0)

# --- Diary ----------------------------------------------------------------------------------

# The keys that encrypt diary and chat text at rest (AES-256-GCM, see encryption/crypto.py): "id:base64key"
# pairs separated by commas, newest first; the newest encrypts and every one decrypts. Never
# derived from SECRET_KEY. `make run` keeps one in var/diary_keyring; `manage.py diary_new_key`
# makes a new key. Without it the diary cannot be written or read, and `check --deploy` fails.
DIARY_KEYRING = env_str("DIARY_KEYRING")
# How long writing sent after the session ended is kept for the person to sign in and save it.
DIARY_KEEP_DRAFT_HOURS = env_int("DIARY_KEEP_DRAFT_HOURS", 24, minimum=1)

# --- Live chat ------------------------------------------------------------------------------

# When chat is open (checked at start-up): days (mon..sun), hours (HH:MM-HH:MM, UK time, 00:00-24:00
# for all day), and closures. Christmas Day and Easter Sunday (computed for each year) are closed
# unless switched off; CHAT_CLOSED_DATES adds whole days (YYYY-MM-DD).
CHAT_SERVICE_DAYS = env_list("CHAT_SERVICE_DAYS", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
CHAT_SERVICE_HOURS = env_str("CHAT_SERVICE_HOURS", "00:00-24:00")
CHAT_CLOSED_ON_CHRISTMAS_DAY = env_bool("CHAT_CLOSED_ON_CHRISTMAS_DAY", True)
CHAT_CLOSED_ON_EASTER_SUNDAY = env_bool("CHAT_CLOSED_ON_EASTER_SUNDAY", True)
CHAT_CLOSED_DATES = env_list("CHAT_CLOSED_DATES", [])
# How many chats one supporter may hold at once.
CHAT_MAX_CHATS_PER_SUPPORTER = env_int("CHAT_MAX_CHATS_PER_SUPPORTER", 3, minimum=1)
# Transcripts, wrap-ups and blocks are purged this many days after the chat (`manage.py purge_chats`).
CHAT_RETENTION_DAYS = env_int("CHAT_RETENTION_DAYS", 90, minimum=1)
# Someone waiting who has not been seen (page refresh or open connection) for this long has left.
CHAT_WAITING_TIMEOUT_MINUTES = env_int("CHAT_WAITING_TIMEOUT_MINUTES", 10, minimum=1)
# A supporter whose last console connection (console, chat or board page) closed this long ago,
# without another opening, is set away: nobody is given chats on a console that is closed.
CHAT_CONSOLE_AWAY_AFTER_SECONDS = env_int("CHAT_CONSOLE_AWAY_AFTER_SECONDS", 30, minimum=0)

# --- Static files ---------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # ServeStatic's CompressedManifestStaticFilesStorage, remembering each file's address.
    "staticfiles": {"BACKEND": "pages.storage.StaticFilesStorage"},
}
# Files browsers and search engines ask for at the site's root (favicon.ico).
SERVESTATIC_ROOT = BASE_DIR / "static" / "root"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"

# --- Locale and logging ---------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {"django.request": {"level": "ERROR"}},
}
