<?php

declare(strict_types=1);

// PSR-4 autoloader for `Scim\`, for use without Composer (Composer users get the same
// mapping from composer.json).
spl_autoload_register(static function (string $class): void {
    $prefix = 'Scim\\';
    if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
        return;
    }
    $relative = substr($class, strlen($prefix));
    if (str_starts_with($relative, 'Tests\\')) {
        $file = __DIR__ . '/tests/' . str_replace('\\', '/', substr($relative, 6)) . '.php';
    } else {
        $file = __DIR__ . '/src/' . str_replace('\\', '/', $relative) . '.php';
    }
    if (is_file($file)) {
        require $file;
    }
});
