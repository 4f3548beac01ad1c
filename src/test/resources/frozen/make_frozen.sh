#!/usr/bin/env bash
# Writes the frozen files of the current format versions (see README.md here) with the generator
# io.dialnet.FrozenFormats (src/test/java). Run from anywhere, at a committed state; it refuses to
# replace files that exist: frozen files are never regenerated in place.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../../.."
commit="$(git rev-parse HEAD)$(git diff --quiet HEAD -- src/main || echo '+uncommitted')"
MAVEN_OPTS="${MAVEN_OPTS:-} -Djansi.noreset=true" mvn -B -q -Dstyle.color=never -DskipTests package
java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=off \
  -cp target/test-classes:target/dialnet.jar io.dialnet.FrozenFormats "$commit"
