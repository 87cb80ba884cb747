import { describe, expect, it } from 'vitest';
import { leaveOutChoices } from '../../renderer/src/leave-out-choices.js';

// "Leave out…" on a file's row in the Sync screen (issue 17): what it offers for a path.

const labels = (path: string): string[] => leaveOutChoices(path).map((choice) => choice.label);

describe('the ways to leave a file out', () => {
  it('offers the folder it is in first, each folder above, the file alone and its type', () => {
    expect(leaveOutChoices('videos/raw/CLIP.MP4').map((choice) => choice.change)).toEqual([
      { path: 'videos/raw' },
      { path: 'videos' },
      { path: 'videos/raw/CLIP.MP4' },
      { fileType: 'MP4' },
    ]);
  });

  it('offers no folder for a file at the top, and no type where the name has none', () => {
    expect(labels('notes.txt')).toEqual(['This file only: notes.txt', 'Every .txt file']);
    expect(labels('.env')).toEqual(['This file only: .env']);
    expect(labels('docs/Makefile')).toEqual(['The folder docs', 'This file only: docs/Makefile']);
    expect(labels('trailing.')).toEqual(['This file only: trailing.']);
  });
});
