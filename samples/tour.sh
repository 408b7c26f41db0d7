#!/usr/bin/env bash
# The BpmServer tour, against a running server (the one-command start: `dotnet run --project engine/Bpm.Server`):
# deploys a power, applies for a case, works it through the joint review (并联审批) as the three departments'
# handlers, and reads the result, the journal check and the applicant's public progress page.
#
#   samples/tour.sh [SERVER]          SERVER defaults to $BPM_SERVER or http://localhost:5080
#
# Needs curl and jq. Tokens come from the server's development token endpoint (sample users in samples/users.json).
# Exits non-zero at the first step whose answer is not what the tour expects.
set -euo pipefail

SERVER=${1:-${BPM_SERVER:-http://localhost:5080}}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'tour FAILED: %s\n' "$*" >&2; exit 1; }

# call METHOD PATH TOKEN EXPECTED_STATUS [JSON_BODY] — prints the response body.
call() {
  local method=$1 path=$2 token=$3 expected=$4 body=${5:-} args=()
  [[ -n $token ]] && args+=(-H "Authorization: Bearer $token")
  [[ -n $body ]] && args+=(-H 'Content-Type: application/json' -d "$body")
  local status
  status=$(curl -sS -o "$TMP/body" -w '%{http_code}' -X "$method" "${args[@]}" "$SERVER$path") || fail "$method $path: no answer from $SERVER"
  [[ $status == "$expected" ]] || fail "$method $path: HTTP $status, expected $expected: $(cat "$TMP/body")"
  cat "$TMP/body"
}

token() { call POST /api/dev/token "" 200 "{\"user\":\"$1\"}" | jq -r .token; }

# the open work item of this case at NODE in the inbox of TOKEN's department
item() { call GET "/api/inbox?power=$POWER&pageSize=200" "$1" 200 | jq -r --arg c "$CASE" --arg n "$2" '.items[] | select(.caseId==$c and .nodeId==$n) | .id' | head -n1; }

complete() { # TOKEN NODE OUTCOME OPINION [FORM_JSON]
  local id; id=$(item "$1" "$2")
  [[ -n $id ]] || fail "no '$2' work item in the inbox"
  call POST "/api/work-items/$id/complete" "$1" 200 "{\"outcome\":\"$3\",\"opinion\":\"$4\",\"form\":${5:-{\}}}" >/dev/null
  echo "   $2: $3 ($4)"
}

step "waiting for $SERVER/ready"
for _ in $(seq 1 120); do
  curl -sf "$SERVER/ready" >/dev/null 2>&1 && break
  sleep 1
done
curl -sf "$SERVER/ready" >/dev/null || fail "$SERVER is not ready"

step "tokens for the sample users (deployer, window 住建, fire 消防审查股, civil-defence 人防办, supervisor)"
DEPLOYER=$(token deployer); WINDOW=$(token window); FIRE=$(token fire); CIVIL=$(token civil-defence); SUPERVISOR=$(token supervisor)

step "deploy: the construction permit as a tour power (XK00301901), draft → changes → publish"
POWER=XK00301901
sed -e "s/code: XK00301001/code: $POWER/" -e 's/name: 建筑工程施工许可证核发$/name: 建筑工程施工许可证核发（导览）/' \
  "$ROOT/process-definitions/XK00301001-construction-permit.yaml" > "$TMP/tour.yaml"
DRAFT=$(curl -sS -o "$TMP/draft" -w '%{http_code}' -X POST -H "Authorization: Bearer $DEPLOYER" -H 'Content-Type: application/yaml' \
  --data-binary "@$TMP/tour.yaml" "$SERVER/api/definitions/drafts")
[[ $DRAFT == 201 ]] || fail "uploading the draft: HTTP $DRAFT: $(cat "$TMP/draft")"
jq -r '"   draft \(.id): valid=\(.valid), \(.errors) error(s), \(.warnings) warning(s), published version: \(.publishedVersion // "none"), unchanged=\(.unchanged)"' "$TMP/draft"
PUBLISHED=$(call POST "/api/definitions/drafts/$(jq -r .id "$TMP/draft")/publish" "$DEPLOYER" 200)
echo "$PUBLISHED" | jq -r '"   published \(.powerCode) v\(.version) (\(if .created then "new version" else "unchanged" end))"'

step "apply (申请) at the window"
APPLIED=$(call POST /api/cases "$WINDOW" 201 "{\"powerCode\":\"$POWER\",\"applicant\":{\"id\":\"91510000MA6TOUR00X\",\"name\":\"导览建设有限公司\"},\"data\":{\"projectName\":\"县第一中学教学楼\",\"area\":12000,\"contractPrice\":30000000,\"civilDefenceRequired\":true}}")
CASE=$(echo "$APPLIED" | jq -r .case.caseId); CASE_NO=$(echo "$APPLIED" | jq -r .case.caseNo); QUERY=$(echo "$APPLIED" | jq -r .queryCode)
echo "   case $CASE_NO (query code $QUERY)"

step "受理 at the window"
call POST "/api/work-items/$(item "$WINDOW" accept)/accept" "$WINDOW" 200 >/dev/null && echo "   accepted"

step "joint review: three departments at the same time"
[[ -z $(item "$FIRE" civil-defence-review) ]] || fail "the 消防 handler sees the 人防 work item"
complete "$FIRE" fire-review 同意 "消防设计审查合格" '{"fireOpinion":"合格"}'
complete "$CIVIL" civil-defence-review 同意 "人防设计审核通过"
complete "$WINDOW" permit-review 同意 "施工许可条件具备"
complete "$WINDOW" permit-approve 同意 "同意"

step "lead department decides, then 统一出件"
complete "$WINDOW" consolidate 准予 "准予许可"
complete "$WINDOW" certify 同意 "已制证送达"

step "the result, as the supervisor reads it"
VIEW=$(call GET "/api/cases/$CASE" "$SUPERVISOR" 200)
echo "$VIEW" | jq -r '"   \(.caseNo): \(.status) \(.result), promised due \(.promisedDue), light \(.light), \(.visits|length) steps, \(.journal|length) journal entries"'
[[ $(echo "$VIEW" | jq -r .result) == 准予 ]] || fail "the case did not end 准予"
echo "$VIEW" | jq -r '.visits[] | select(.department != null) | "   \(.nodeId) — \(.department) — \(.outcome // "-")"'
[[ $(call GET "/api/cases/$CASE/journal/verify" "$SUPERVISOR" 200 | jq -r .intact) == true ]] || fail "the journal does not verify"
echo "   journal chain intact"

step "the applicant's public progress page (no login)"
if curl -sf -o "$TMP/progress" "$SERVER/public/progress?caseNo=$CASE_NO&code=$QUERY"; then
  grep -q "$CASE_NO" "$TMP/progress" || fail "the progress page does not show $CASE_NO"
  echo "   $SERVER/public/progress?caseNo=$CASE_NO&code=$QUERY"
else
  fail "the public progress page did not answer for $CASE_NO"
fi

printf '\ntour passed\n'
