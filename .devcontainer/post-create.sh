#!/usr/bin/env bash
# Runs once when a dev container is created (postCreateCommand of .devcontainer/devcontainer.json and
# .devcontainer/gpu/devcontainer.json): restores the local tools, builds everything, and initialises
# TorchSharp once, so the first notebook runs without further steps.
#
# The TorchSharp backend comes from the environment variable TorchBackend, which MSBuild reads as the
# property of the same name (lib/MnistLeNet/MnistLeNet.csproj): unset or "cpu" -> TorchSharp-cpu,
# "cuda" -> TorchSharp-cuda-linux. The GPU container sets TorchBackend=cuda in containerEnv.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

backend="${TorchBackend:-cpu}"
echo "post-create: TorchSharp backend: ${backend}"

# Local tools (dotnet-repl, dotnet-interactive) from .config/dotnet-tools.json.
dotnet tool restore

# Restores the TorchSharp packages (libtorch: ~600 MB for CPU, several GB for CUDA) and builds.
dotnet build Notebooks.sln -c Release

# Initialises TorchSharp: applies the libstdc++ compatibility patch where the host needs it, loads
# libtorch, and prints versions and whether CUDA is usable.
info="$(dotnet run --project lib/MnistLeNet.Cli -c Release --no-build -- info)"
echo "${info}"

if [ "${backend}" = "cuda" ] && ! grep -q "cuda available: True" <<<"${info}"; then
    echo "post-create: WARNING: TorchBackend=cuda but TorchSharp sees no CUDA device." >&2
    echo "  The host needs an NVIDIA driver and the NVIDIA Container Toolkit, and the container must" >&2
    echo "  be started with --gpus all. Check with: nvidia-smi (inside the container)." >&2
    echo "  Everything still runs on the CPU (--device auto falls back to it)." >&2
fi
