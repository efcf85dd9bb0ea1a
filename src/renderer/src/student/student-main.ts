// The students' page (served by class mode as the renderer's index.html, see main.tsx, on the class address): a name and the join code,
// then a real Socket.IO client of the lab in `/class` (WebSocket only: one TCP connection per
// student, so each student is one host in the trace). It follows the teacher's step, answers
// "what comes next?" polls, says things to the class or a room. No React: it must load fast on a phone.

import { io, type Socket } from "socket.io-client";
import { CLASS_LIMITS, CLASS_NSP, type FollowStep, type PredictQuestion, type Reveal, type Said, type StudentReply, type Welcome } from "../../../shared/class-mode.js";
import "./student.css";

type Child = Node | string;
function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

const root = el("main", { id: "student" });
root.setAttribute("aria-live", "polite");
document.getElementById("root")?.remove();
document.body.append(root);
document.title = "SocketScope class";
const labOrigin = document.querySelector<HTMLMetaElement>('meta[name="socketscope-class"]')?.content ?? location.origin;
const codeFromLink = new URLSearchParams(location.hash.slice(1)).get("code") ?? "";

// ── joining ──────────────────────────────────────────────────────────────────
const nameInput = el("input", { name: "name", maxLength: CLASS_LIMITS.name.max, required: true });
const codeInput = el("input", { name: "code", inputMode: "numeric", autocomplete: "off", maxLength: 6, value: codeFromLink, required: true });
const joinError = el("p", { className: "error", role: "alert" });
const joinButton = el("button", { type: "submit" }, "Join the class");
const joinForm = el(
  "form",
  { className: "card" },
  el("label", {}, "Your name", nameInput),
  el("label", {}, "Join code", codeInput),
  joinButton,
  joinError,
);
root.append(el("h1", {}, "SocketScope class"), joinForm);

let socket: Socket | undefined;
joinForm.addEventListener("submit", (e) => {
  e.preventDefault();
  joinError.textContent = "";
  joinButton.disabled = true;
  socket?.close();
  const s = io(`${labOrigin}${CLASS_NSP}`, { transports: ["websocket"], auth: { name: nameInput.value.trim(), code: codeInput.value.trim() }, reconnectionDelayMax: 3000 });
  socket = s;
  s.once("welcome", (w: Welcome) => showClass(s, w));
  s.on("connect_error", (err: Error) => {
    // A refusal from the namespace's middleware (CONNECT_ERROR) does not retry by itself.
    if (s.active) return;
    joinButton.disabled = false;
    joinError.textContent = `Refused: ${err.message}`;
  });
});

// ── in class ─────────────────────────────────────────────────────────────────
function showClass(s: Socket, w: Welcome): void {
  const status = el("p", { className: "status" });
  const updateStatus = (): void => {
    const transport = (s.io.engine as unknown as { transport?: { name: string } } | undefined)?.transport?.name;
    status.textContent = s.connected ? `connected over ${transport ?? "?"} · socket ${s.id}` : "reconnecting…";
  };
  s.on("connect", updateStatus);
  s.on("disconnect", (reason) => {
    updateStatus();
    if (reason === "io server disconnect") status.textContent = "The teacher removed you from the class (reload to join again).";
  });
  const mutedNote = el("p", { className: "muted-note", hidden: true }, "The teacher muted you: you can still answer polls.");

  const stepTitle = el("p", { className: "step-title" }, "Waiting for the teacher's first step…");
  const narration = el("p", { className: "narration" });
  const revealed = el("p", { className: "narration" });
  const showStep = (step: FollowStep): void => {
    stepTitle.textContent = `${step.scenario ? `${step.scenario} · ` : ""}step ${step.index + 1}: ${step.title}`;
    narration.textContent = step.narration;
  };
  if (w.step) showStep(w.step);

  const pollCard = el("section", { className: "card", hidden: true });
  let picked: number | undefined;
  s.on("predict", (q: PredictQuestion, answer: (choice: number) => void) => {
    picked = undefined;
    const verdict = el("p", { className: "verdict" });
    const buttons = q.choices.map((choice, i) => {
      const b = el("button", { type: "button", className: "choice" }, choice);
      b.addEventListener("click", () => {
        if (picked !== undefined) return;
        picked = i;
        b.classList.add("picked");
        for (const x of buttons) x.disabled = true;
        verdict.textContent = "Answer sent. Watch the projector!";
        answer(i);
      });
      return b;
    });
    pollCard.replaceChildren(el("h2", {}, "What comes next?"), el("p", {}, q.question), el("div", { className: "choices" }, ...buttons), verdict);
    pollCard.hidden = false;
    pollCard.dataset.poll = String(q.poll);
    window.setTimeout(() => {
      if (picked === undefined) {
        for (const x of buttons) x.disabled = true;
        verdict.textContent = "Time is up.";
      }
    }, q.timeoutMs);
    s.once("reveal", (r: Reveal) => {
      if (r.poll !== q.poll) return;
      buttons[r.answer]?.classList.add("right");
      const right = picked === r.answer;
      verdict.className = `verdict ${right ? "right" : "wrong"}`;
      verdict.textContent = picked === undefined ? `The next packet was ${r.choice}` : right ? "Right! That was the next packet." : `Not this time: it was ${r.choice}`;
      revealed.textContent = `Revealed: ${r.choice}`;
    });
  });

  const log = el("ul", { className: "log" });
  const addLog = (...parts: Child[]): void => {
    log.prepend(el("li", {}, ...parts));
    while (log.children.length > 30) log.lastElementChild?.remove();
  };
  s.on("said", (m: Said) => addLog(el("b", {}, m.from), m.room ? ` in ${m.room}: ` : ": ", m.text));
  s.on("step", showStep);
  s.on("muted", (muted: boolean) => void (mutedNote.hidden = !muted));
  s.on("reset", () => {
    log.replaceChildren();
    mutedNote.hidden = true;
    roomSelect.replaceChildren(el("option", { value: "" }, "everyone"));
    addLog("The teacher reset you: you left your rooms.");
  });

  const sayInput = el("input", { name: "say", maxLength: CLASS_LIMITS.text.max, placeholder: "Say something" });
  const roomSelect = el("select", { name: "to" }, el("option", { value: "" }, "everyone"));
  const sayForm = el("form", { className: "row" }, sayInput, el("button", { type: "submit" }, "Send"));
  const reply = (what: string) => (r: StudentReply) => void (r.ok ? undefined : addLog(`${what}: ${r.reason}`));
  sayForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = sayInput.value.trim();
    if (!text) return;
    s.emit("say", { text, ...(roomSelect.value ? { room: roomSelect.value } : {}) }, reply("Not sent"));
    sayInput.value = "";
  });
  const roomInput = el("input", { name: "room", maxLength: CLASS_LIMITS.room.max, placeholder: "Room name" });
  const roomForm = el("form", { className: "row" }, roomInput, el("button", { type: "submit", className: "secondary" }, "Join room"));
  roomForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const room = roomInput.value.trim();
    if (!room) return;
    s.emit("join", room, (r: StudentReply) => {
      if (!r.ok) return addLog(`Room: ${r.reason}`);
      roomSelect.append(el("option", { value: room }, `room ${room}`));
      addLog(`You joined room ${room}.`);
    });
    roomInput.value = "";
  });

  // The poll comes first: on a phone it must be in view the moment the teacher asks.
  root.replaceChildren(
    el("h1", {}, "SocketScope class"),
    pollCard,
    el("section", { className: "card" }, el("p", { className: "me" }, "You are ", el("b", {}, w.name), ` (${w.id} on the teacher's screen)`), status, mutedNote),
    el("section", { className: "card", ariaLabel: "The teacher's step" }, el("h2", {}, "Follow the teacher"), stepTitle, narration, revealed),
    el("section", { className: "card" }, el("h2", {}, "Say"), sayForm, el("label", {}, "to", roomSelect), roomForm),
    el("section", { className: "card" }, el("h2", {}, "Messages"), log),
  );
  updateStatus();
}
