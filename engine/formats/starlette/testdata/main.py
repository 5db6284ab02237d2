from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()

ORIGINS = [
    "https://app.example",
    "https://admin.example",
]

app.add_middleware(
    CORSMiddleware,
    allow_origins=ORIGINS,
    allow_origin_regex=r"https://.*\.preview\.example",
    allow_methods=["GET", "POST"],
    allow_headers=["X-Request-Id"],
    allow_credentials=True,
    expose_headers=["X-Total"],
    max_age=600,
)
