//go:build ignore

// gen writes the hostile upload corpus of intake/hostile_test.go:
//
//	go run gen.go
//
// Every file is something a careless or malicious sender might upload; the
// intake must refuse each with a clear message and store nothing.
package main

import (
	"archive/zip"
	"bytes"
	"log"
	"os"
)

func main() {
	write("zipbomb.docx", docx(map[string][]byte{"word/media/image1.bin": make([]byte, 300<<20)}))
	write("zipslip.docx", docx(map[string][]byte{"../../../etc/cron.d/evil": []byte("* * * * * root sh")}))
	whole := docx(nil)
	write("truncated.docx", whole[:len(whole)/2])
	write("ofdbomb.ofd", zipOf([][2]any{{"OFD.xml", []byte("<ofd:OFD/>")}, {"Doc_0/Res/bomb.bin", make([]byte, 300<<20)}}))
	write("svg-script.pdf", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>`))
	write("html-script.pdf", []byte("<!DOCTYPE html><html><body><script>fetch('/api/')</script></body></html>"))
	write("gif-polyglot.jpg", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;<script>alert(1)</script>"))
	write("truncated.pdf", []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Co"))
	write("truncated.jpg", append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00}, bytes.Repeat([]byte{0x55}, 2000)...))
	write("renamed.exe.pdf", append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), bytes.Repeat([]byte{0}, 512)...))
	write("script.sh.pdf", []byte("#!/bin/sh\nrm -rf /\n"))
}

// docx builds a minimal Word document with extra entries.
func docx(extra map[string][]byte) []byte {
	entries := [][2]any{
		{"[Content_Types].xml", []byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`)},
		{"word/document.xml", []byte(`<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>证明材料</w:t></w:r></w:p></w:body></w:document>`)},
	}
	for name, data := range extra {
		entries = append(entries, [2]any{name, data})
	}
	return zipOf(entries)
}

func zipOf(entries [][2]any) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e[0].(string), Method: zip.Deflate})
		if err != nil {
			log.Fatal(err)
		}
		if _, err := w.Write(e[1].([]byte)); err != nil {
			log.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	return buf.Bytes()
}

func write(name string, data []byte) {
	if err := os.WriteFile(name, data, 0o644); err != nil {
		log.Fatal(err)
	}
}
