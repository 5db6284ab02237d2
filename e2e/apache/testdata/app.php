<?php
// The application behind a .htaccess (TestHtaccess): it answers as the
// test's X-Up header says, as e2e/internal/proxytest's upstream does:
// "STATUS none|star|echo" (star: Access-Control-Allow-Origin * and
// Vary: Origin; echo: the request's Origin with credentials).
$up = explode(' ', $_SERVER['HTTP_X_UP'] ?? '200 none');
http_response_code((int) $up[0]);
header('Content-Type: text/plain');
if (($up[1] ?? '') === 'star') {
    header('Access-Control-Allow-Origin: *');
    header('Vary: Origin');
} elseif (($up[1] ?? '') === 'echo') {
    if (isset($_SERVER['HTTP_ORIGIN'])) {
        header('Access-Control-Allow-Origin: ' . $_SERVER['HTTP_ORIGIN']);
    }
    header('Access-Control-Allow-Credentials: true');
}
echo 'app';
