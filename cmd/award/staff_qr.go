package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/boombuler/barcode/qr"
)

// qrQuiet is the light margin around a QR code, in modules (the standard's
// four).
const qrQuiet = 4

// writeQR draws text's QR code (error correction L, the smallest: a screen
// does not smudge) in the terminal with Unicode half blocks, two
// module rows per line. Light modules (and the margin) are drawn as blocks
// in the terminal's text colour and dark ones left blank, which reads as
// dark-on-light in the usual light-text-on-dark terminal.
func writeQR(w io.Writer, text string) error {
	code, err := qr.Encode(text, qr.L, qr.Auto)
	if err != nil {
		return fmt.Errorf("生成二维码出错：%w", err)
	}
	n := code.Bounds().Dx()
	light := func(x, y int) bool {
		x, y = x-qrQuiet, y-qrQuiet
		if x < 0 || y < 0 || x >= n || y >= n {
			return true
		}
		r, _, _, _ := code.At(x, y).RGBA()
		return r > 0x7fff
	}
	size := n + 2*qrQuiet
	var b strings.Builder
	for y := 0; y < size; y += 2 {
		for x := range size {
			top, bottom := light(x, y), y+1 < size && light(x, y+1)
			switch {
			case top && bottom:
				b.WriteRune('█')
			case top:
				b.WriteRune('▀')
			case bottom:
				b.WriteRune('▄')
			default:
				b.WriteByte(' ')
			}
		}
		b.WriteByte('\n')
	}
	_, err = io.WriteString(w, b.String())
	return err
}
