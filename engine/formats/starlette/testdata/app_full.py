"""A FastAPI service with routes, settings and CORS, for whycors' tests."""
import os
from typing import Optional

from fastapi import Depends, FastAPI, HTTPException
from fastapi.middleware.cors import CORSMiddleware
from pydantic import BaseModel

API_PREFIX = "/api"
FRONTENDS = ["https://shop.example", "https://admin.shop.example"]


class Order(BaseModel):
    id: int
    note: Optional[str] = None


app = FastAPI(title="orders", docs_url=f"{API_PREFIX}/docs")

app.add_middleware(
    CORSMiddleware,
    allow_origins=FRONTENDS,
    allow_origin_regex=r"https://pr-\d+\.preview\.shop\.example",
    allow_credentials=True,
    allow_methods=["GET", "POST", "PATCH", "DELETE"],
    allow_headers=["Authorization", "Content-Type", "X-Request-Id"],
    expose_headers=["X-Total-Count"],
)


def current_user(token: str = Depends(lambda: os.environ.get("TOKEN"))):
    if not token:
        raise HTTPException(status_code=401, detail="no token")
    return token


@app.get(API_PREFIX + "/orders/{order_id}", response_model=Order)
async def read_order(order_id: int, user=Depends(current_user)) -> Order:
    return Order(id=order_id, note=f"for {user!r}")


@app.post(API_PREFIX + "/orders")
async def create_order(order: Order):
    if order.id < 0:
        raise ValueError("negative id")  # a 500 without CORS headers
    return {"ok": True, **order.dict()}
