#!/bin/sh
# The steps of examples/order-saga.yaml and their compensations. Each one talks to a simulated
# external system (a folder under $TMPDIR: inventory, payments, carrier) and appends what it
# did to the order's ledger, so the ledger tells the saga's story, undo steps included.
# Usage: order.sh STEP   (each step runs in a few milliseconds)
set -eu

W="${TMPDIR:-/tmp}/baton-order-saga-${BATON_RUN_ID:-manual}"
order="${ORDER_ID:?ORDER_ID is not set}"
step="${1:?usage: order.sh STEP}"
mkdir -p "$W/inventory" "$W/payments" "$W/carrier"

say() {
  echo "$(date -u +%H:%M:%S) order $order $step: $*" >> "$W/ledger.log"
  echo "$*"
}

# FAIL_AT lists steps (or undo steps), separated by spaces, that fail with exit 1, a retryable
# failure, to show retries, the breakers and the compensation of everything done before.
case " ${FAIL_AT:-} " in
*" $step "*)
  echo "$step: failed on purpose (FAIL_AT=$FAIL_AT, attempt ${BATON_ATTEMPT:-1})" >&2
  exit 1
  ;;
esac

case "$step" in
check-order)
  # Exit 2 is a permanent error: the workflow says not to retry it.
  case "$order" in
    '' | *[!0-9]*) echo "order id '$order' is not a number" >&2; exit 2 ;;
  esac
  [ "${AMOUNT_CENTS:?}" -gt 0 ] || { echo "amount must be positive" >&2; exit 2; }
  say "1 x SKU-42 for $AMOUNT_CENTS cents"
  ;;
fraud-screen)
  score=$(($(printf '%s' "$order" | cksum | cut -d ' ' -f 1) % 100))
  [ "$score" -le 90 ] || { echo "risk score $score: rejected" >&2; exit 2; }
  say "risk score $score/100, accepted"
  ;;
verify-address)
  say "shipping address verified"
  ;;
reserve-stock)
  echo "SKU-42 x1" > "$W/inventory/$order.stock"
  say "reserved SKU-42 x1"
  ;;
release-stock)
  rm -f "$W/inventory/$order.stock"
  say "released SKU-42 x1"
  ;;
reserve-packaging)
  echo "box M x1" > "$W/inventory/$order.box"
  say "reserved box M x1"
  ;;
release-packaging)
  rm -f "$W/inventory/$order.box"
  say "released box M x1"
  ;;
authorize)
  echo "$AMOUNT_CENTS" > "$W/payments/$order.auth"
  say "authorized $AMOUNT_CENTS cents"
  ;;
void-authorization)
  rm -f "$W/payments/$order.auth"
  say "voided the authorization"
  ;;
capture)
  [ -f "$W/payments/$order.auth" ] || { echo "no authorization to capture" >&2; exit 1; }
  mv "$W/payments/$order.auth" "$W/payments/$order.captured"
  say "captured $AMOUNT_CENTS cents"
  ;;
refund)
  if [ -f "$W/payments/$order.captured" ]; then
    mv "$W/payments/$order.captured" "$W/payments/$order.refunded"
  fi
  say "refunded $AMOUNT_CENTS cents"
  ;;
invoice)
  echo "invoice INV-$order: $AMOUNT_CENTS cents" > "$W/payments/$order.invoice"
  say "issued invoice INV-$order"
  ;;
cancel-invoice)
  echo "credit note CN-$order: -$AMOUNT_CENTS cents" > "$W/payments/$order.credit"
  say "issued credit note CN-$order"
  ;;
book-carrier)
  echo "TRK$order" > "$W/carrier/$order.booking"
  say "booked pickup, tracking TRK$order"
  ;;
cancel-booking)
  rm -f "$W/carrier/$order.booking"
  say "cancelled the pickup"
  ;;
print-label)
  mkdir -p "$W/tmp"
  draft="$W/tmp/label-$order.txt"
  printf 'TO: customer of order %s\nTRACKING: %s\n' "$order" "$(cat "$W/carrier/$order.booking")" > "$draft"
  cp "$draft" "$W/carrier/$order.label"
  say "printed the shipping label"
  ;;
void-label)
  rm -f "$W/carrier/$order.label"
  say "voided the shipping label"
  ;;
dispatch)
  for f in "$W/payments/$order.captured" "$W/carrier/$order.label"; do
    [ -f "$f" ] || { echo "cannot dispatch: missing $(basename "$f")" >&2; exit 1; }
  done
  touch "$W/carrier/$order.dispatched"
  say "parcel handed to the carrier"
  ;;
recall-parcel)
  rm -f "$W/carrier/$order.dispatched"
  say "parcel recalled"
  ;;
notify-customer)
  say "emailed the customer: shipped, tracking $(cat "$W/carrier/$order.booking")"
  ;;
alert-support)
  say "paged support: order $order failed, the saga is rolling back"
  ;;
cleanup)
  rm -rf "$W/tmp"
  say "removed temporary files; ledger at $W/ledger.log"
  ;;
*)
  echo "order.sh: unknown step '$step'" >&2
  exit 2
  ;;
esac
