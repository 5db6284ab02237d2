from flask import Flask
from flask_cors import CORS, cross_origin

app = Flask(__name__)
CORS(app, resources={r"/api/*": {"origins": ["https://app.example"]}}, supports_credentials=True)


@app.route("/public")
@cross_origin()
def public():
    return "hello"
