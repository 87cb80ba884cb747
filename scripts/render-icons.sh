#!/usr/bin/env bash
# Renders the app and tray icons from their SVG sources (resources/icons/src). The PNGs are committed,
# so neither setup nor CI needs this; run it after changing an SVG (needs rsvg-convert: apt-get install
# librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/../resources/icons"
for state in up-to-date syncing paused attention offline; do
  # Windows and Linux trays: colour, 32 px and 64 px for high-DPI (Electron picks @2x by name).
  rsvg-convert -w 32 -h 32 "src/tray-$state.svg" -o "tray/tray-$state.png"
  rsvg-convert -w 64 -h 64 "src/tray-$state.svg" -o "tray/tray-$state@2x.png"
  # macOS menu bar: template images, 16 pt.
  rsvg-convert -w 16 -h 16 "src/tray-$state-template.svg" -o "tray/tray-${state}Template.png"
  rsvg-convert -w 32 -h 32 "src/tray-$state-template.svg" -o "tray/tray-${state}Template@2x.png"
done
for size in 16 32 64 128 256 512 1024; do
  rsvg-convert -w "$size" -h "$size" src/hoist.svg -o "hoist-$size.png"
done
