import { describe, expect, it } from 'vitest';
import { shortHistory } from '../src/lib/history';

const HASH = '4f3a9c0e' + 'ab'.repeat(28);

describe('shortHistory', () => {
  it('leaves out the classic builder’s no-op wrapper and cuts hashes', () => {
    expect(shortHistory(`/bin/sh -c #(nop) COPY file:${HASH} in / `)).toBe('COPY file:4f3a9c0e… in /');
    expect(shortHistory('/bin/sh -c #(nop)  CMD ["bash"]')).toBe('CMD ["bash"]');
  });
  it('names a shell step RUN, with or without BuildKit’s marks and build arguments', () => {
    expect(shortHistory('/bin/sh -c apt-get update &&     apt-get install -y curl')).toBe('RUN apt-get update && apt-get install -y curl');
    expect(shortHistory('RUN /bin/sh -c make step-0 # buildkit')).toBe('RUN make step-0');
    expect(shortHistory('|2 VERSION=1.2 ARCH= /bin/sh -c ./build.sh')).toBe('RUN ./build.sh');
    expect(shortHistory('RUN |1 TARGET=x /bin/sh -c go build\n\t./...')).toBe('RUN go build ./...');
  });
  it('keeps other steps as they are, and short hex', () => {
    expect(shortHistory('COPY . / # buildkit')).toBe('COPY . /');
    expect(shortHistory('ADD alpine-minirootfs-3.20.tar.gz / # buildkit')).toBe('ADD alpine-minirootfs-3.20.tar.gz /');
    expect(shortHistory('ENV COLOR=deadbeef')).toBe('ENV COLOR=deadbeef');
    expect(shortHistory(`FROM sha256:${HASH}`)).toBe('FROM sha256:4f3a9c0e…');
  });
  it('says nothing for no line', () => {
    expect(shortHistory(null)).toBe('');
    expect(shortHistory('  ')).toBe('');
  });
});
