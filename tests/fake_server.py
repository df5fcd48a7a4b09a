"""`python -m tests.fake_server PORT`: the real app over BRIEFQA_DATA_DIR's index, with the fast fake embedder,
in a process of its own (tests that kill a server with SIGKILL need one)."""

import sys

import uvicorn

from briefqa.settings import Settings
from service.app import create_app
from tests.fakes import HashingEmbedder

if __name__ == "__main__":
    uvicorn.run(create_app(Settings(), HashingEmbedder()), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
