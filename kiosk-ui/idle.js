// Idle detection: after `idleMs` without a touch, key or wheel, the prompt is shown
// (onPrompt(secondsLeft) each second); a touch dismisses it, and after `promptMs`
// onTimeout runs. Armed only while the app says a diner may be mid-order.

export class IdleWatcher {
  constructor({ idleMs, promptMs, onPrompt, onTick, onDismiss, onTimeout }) {
    Object.assign(this, { idleMs, promptMs, onPrompt, onTick, onDismiss, onTimeout });
    this.armed = false;
    this.prompting = false;
    this.timer = null;
    this.ticker = null;
    const activity = () => this.activity();
    for (const type of ['pointerdown', 'keydown', 'wheel', 'touchstart']) {
      document.addEventListener(type, activity, { capture: true, passive: true });
    }
  }

  arm() {
    this.armed = true;
    this.reset();
  }

  disarm() {
    this.armed = false;
    this.clear();
    if (this.prompting) this.endPrompt();
  }

  activity() {
    if (!this.armed) return;
    if (this.prompting) return;  // the prompt's own buttons decide
    this.reset();
  }

  // "Yes, I'm here".
  stay() {
    if (this.prompting) this.endPrompt();
    if (this.armed) this.reset();
  }

  reset() {
    this.clear();
    this.timer = setTimeout(() => this.prompt(), this.idleMs);
  }

  clear() {
    clearTimeout(this.timer);
    clearInterval(this.ticker);
    this.timer = this.ticker = null;
  }

  prompt() {
    this.prompting = true;
    const deadline = Date.now() + this.promptMs;
    const left = () => Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    this.onPrompt(left());
    this.ticker = setInterval(() => {
      const s = left();
      this.onTick(s);
      if (s <= 0) {
        this.clear();
        this.endPrompt();
        this.armed = false;
        this.onTimeout();
      }
    }, 250);
  }

  endPrompt() {
    this.prompting = false;
    clearInterval(this.ticker);
    this.ticker = null;
    this.onDismiss();
  }
}
