// upload.mjs drives one upload with tus-js-client (Node API), for the Go
// conformance tests in internal/faults (tus_conformance_test.go). It is
// ours; tus-js-client is not: it comes from npm at the version pinned in
// ../package-lock.json.
//
//	node upload.mjs '<JSON options>'
//
// Options (JSON):
//
//	file          path of the file to send (an fs.ReadStream: tus-js-client
//	              slices it by range, and fingerprints it for urlStorage)
//	endpoint      the creation URL, e.g. http://127.0.0.1:PORT/api/uploads/
//	uploadUrl     resume this upload instead of creating one (optional)
//	metadata      Upload-Metadata values, e.g. {kind, field, filename}
//	chunkSize     bytes per PATCH (optional; default: the whole rest)
//	retryDelays   milliseconds between retries (default [0, 200, 500, 1000])
//	urlStorage    a file for tus-js-client's FileUrlStorage (optional):
//	              upload URLs are remembered there, as a browser's
//	              localStorage would
//	resume        with urlStorage: look for a previous upload of this file
//	              (findPreviousUploads) and resume the newest one
//	stopAfter     abort (without terminating) once the server has accepted
//	              at least this many bytes, and exit: a closed laptop
//	holdAfterHead after the first HEAD, print a "held" event and wait for
//	              a line on stdin before going on
//
// It prints one JSON object per line on stdout, each with an "event":
// request, response (method, status, upload offset and length, location,
// the body of an error), url, chunk (bytes accepted), held, stopped,
// success, error. It exits 0 after success or stop, 1 after an error.
import fs from 'node:fs'
import readline from 'node:readline'
import tus from 'tus-js-client'

const opts = JSON.parse(process.argv[2] ?? '{}')

function emit(event, fields) {
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`)
}

let stdinLines = null
function nextStdinLine() {
  if (stdinLines === null) {
    stdinLines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]()
  }
  return stdinLines.next()
}

let heads = 0
let stopped = false

const options = {
  endpoint: opts.endpoint ?? null,
  uploadUrl: opts.uploadUrl ?? null,
  metadata: opts.metadata ?? {},
  retryDelays: opts.retryDelays ?? [0, 200, 500, 1000],
  removeFingerprintOnSuccess: true,
  onBeforeRequest(req) {
    emit('request', { method: req.getMethod(), url: req.getURL(), offset: req.getHeader('Upload-Offset') ?? null })
  },
  async onAfterResponse(req, res) {
    const status = res.getStatus()
    emit('response', {
      method: req.getMethod(),
      url: req.getURL(),
      status,
      offset: res.getHeader('Upload-Offset') ?? null,
      length: res.getHeader('Upload-Length') ?? null,
      location: res.getHeader('Location') ?? null,
      tusResumable: res.getHeader('Tus-Resumable') ?? null,
      body: status >= 400 ? res.getBody() : undefined,
    })
    if (req.getMethod() === 'HEAD' && opts.holdAfterHead && heads++ === 0) {
      emit('held', { offset: res.getHeader('Upload-Offset') ?? null })
      await nextStdinLine()
    }
  },
  onUploadUrlAvailable() {
    emit('url', { url: upload.url })
  },
  onChunkComplete(chunkSize, accepted, total) {
    emit('chunk', { size: chunkSize, accepted, total })
    if (opts.stopAfter != null && accepted >= opts.stopAfter && accepted < total && !stopped) {
      stopped = true
      upload.abort(false).then(() => {
        emit('stopped', { url: upload.url, accepted })
        process.exit(0)
      })
    }
  },
  onSuccess() {
    emit('success', { url: upload.url })
    process.exit(0)
  },
  onError(err) {
    const res = err.originalResponse ?? null
    emit('error', {
      message: String(err.message ?? err),
      status: res ? res.getStatus() : null,
      body: res ? res.getBody() : null,
    })
    process.exit(1)
  },
}
if (opts.chunkSize != null) {
  options.chunkSize = opts.chunkSize
}
if (opts.urlStorage != null) {
  options.urlStorage = new tus.FileUrlStorage(opts.urlStorage)
}

const upload = new tus.Upload(fs.createReadStream(opts.file), options)

if (opts.resume) {
  const previous = await upload.findPreviousUploads()
  emit('previous', { count: previous.length, urls: previous.map((p) => p.uploadUrl) })
  if (previous.length > 0) {
    previous.sort((a, b) => Date.parse(b.creationTime) - Date.parse(a.creationTime))
    upload.resumeFromPreviousUpload(previous[0])
  }
}
upload.start()
