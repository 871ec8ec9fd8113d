// page_crypto: the crypto provider SQLCipher uses for every page.
//
// SQLCipher encrypts each page with AES-256-CBC (a fresh random IV per write)
// and appends an HMAC over ciphertext, IV and page number (storage/FORMAT.md).
// Its stock OpenSSL provider does that per page through OpenSSL 3's generic
// entry points: it looks up ("fetches") the HMAC and AES implementations,
// allocates and keys two contexts, and frees them again, for every page read
// or written. On OpenSSL 3 that bookkeeping costs more than the AES and the
// HMAC themselves on a 1 KiB page.
//
// Larder's provider computes the same bytes: same algorithms, same keys,
// same layout, so files written by either provider open with the other (a
// test checks both directions). It fetches the algorithms once per process
// and keeps, per SQLCipher codec context (one per open database), contexts
// already keyed with that database's keys; a page costs one IV, one keyed
// AES pass and one keyed HMAC. Key derivation, names and sizes are the stock
// provider's.
//
// Memory: the keyed contexts (and a copy of the keys, to notice a rekey) live
// as long as the database connection, as SQLCipher's own key copies do, and
// are wiped when it closes.
//
// It is installed only on the pinned SQLCipher (4.14.0, whose provider
// interface it is written against); with -DLARDER_SYSTEM_SQLCIPHER=ON, or if
// the linked SQLCipher reports another version, databases use the stock
// provider and install_page_crypto() says so.
//
// Thread safety: install_page_crypto() may be called from any thread, any
// number of times; the work happens once. A provider context is used only
// under its connection's mutex (SQLITE_THREADSAFE=1).
#pragma once

#include <string>

#include "base/status.h"

namespace larder::storage {

// Which provider databases opened from now on use.
enum class PageCrypto {
  kLarder,  // this module's provider
  kStock,   // SQLCipher's own OpenSSL provider
};

// Makes Larder's provider SQLCipher's default, once per process. Returns the
// provider now in use: kStock when this build cannot use Larder's (see above).
// Database::open_encrypted calls it before applying a key.
PageCrypto install_page_crypto();

// The name PRAGMA cipher_provider reports for Larder's provider.
inline constexpr const char* kLarderProviderName = "openssl-larder";

// For tests of the file format: makes `which` the provider for databases
// opened from now on (those already open keep theirs). Returns an error when
// kLarder is asked for and this build cannot use it.
Status use_page_crypto_for_testing(PageCrypto which);

}  // namespace larder::storage
