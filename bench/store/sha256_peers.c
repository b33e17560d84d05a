/* sha256_peers.c - SHA-256 throughput of the two Debian libraries evident
 * could use for file fingerprints: OpenSSL's libcrypto (EVP, what core uses;
 * it picks the CPU's SHA extensions itself) and libsodium (portable C).
 * CPU seconds for 256 MB in memory, best of 3.
 *   cc -O2 bench/store/sha256_peers.c -o sha -lcrypto -lsodium && ./sha */
#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_PROCESS_CPUTIME_ID,&t);return t.tv_sec+t.tv_nsec/1e9;}
int main(void){
  size_t n=256u<<20; unsigned char *b=malloc(n); for(size_t i=0;i<n;i++) b[i]=(unsigned char)(i*2654435761u>>13);
  unsigned char d[64]; unsigned len;
  double best_o=1e9,best_s=1e9;
  for(int r=0;r<3;r++){
    double t=now(); EVP_Digest(b,n,d,&len,EVP_sha256(),NULL); t=now()-t; if(t<best_o)best_o=t;
    t=now(); crypto_hash_sha256(d,b,n); t=now()-t; if(t<best_s)best_s=t;
  }
  printf("SHA-256 of 256 MB, CPU s (best of 3): OpenSSL EVP %.3f (%.0f MB/s), libsodium %.3f (%.0f MB/s)\n",best_o,256/best_o,best_s,256/best_s);
  return 0;}
