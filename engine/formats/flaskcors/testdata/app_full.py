"""A Flask service with a blueprint, flask-cors and a decorated view,
for whycors' tests."""
import re

from flask import Blueprint, Flask, jsonify, request
from flask_cors import CORS, cross_origin

api = Blueprint("api", __name__)
PARTNERS = ["https://partner.example", re.compile(r"https://[a-z]+\.partner\.example")]


def create_app():
    app = Flask(__name__)
    app.config["JSON_SORT_KEYS"] = False
    CORS(
        app,
        resources={
            r"/api/*": {"origins": ["https://shop.example"], "supports_credentials": True},
            r"/partners/*": {"origins": PARTNERS, "methods": ["GET"]},
        },
        expose_headers=["X-Total-Count"],
        max_age=600,
    )
    app.register_blueprint(api, url_prefix="/api")
    return app


@api.route("/orders/<int:order_id>")
def order(order_id):
    return jsonify(id=order_id, user=request.headers.get("Authorization"))


app = create_app()


@app.route("/status", methods=["GET", "POST"])
@cross_origin(origins="*", send_wildcard=True)
def status():
    return {"ok": True}
