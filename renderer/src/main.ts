// The renderer entry. The sync and browse screens arrive with the UI issue; they will code against
// the bridge contract in shared/ only.
const root = document.getElementById('app');
if (root) root.dataset.ready = 'true';
